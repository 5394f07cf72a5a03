import type {} from "@pt/adapters-postgres/testing/globalSetup"
import { createTestDatabase, dropTestDatabase } from "@pt/adapters-postgres/testing/PostgresTestServer"
import { databaseUrlOf } from "@pt/consumer/testing/StoredStatuses"
import { testDay } from "@pt/domain/testing/TestDates"
import { expect, inject, it } from "vitest"
import { startApi } from "../testing/ApiProcess.ts"
import { cleanups, hexId, LOGS, statusAt } from "../testing/Harness.ts"
import { followSse } from "../testing/SseClient.ts"

const databaseUrl = inject("databaseUrl")
const DAY = testDay()

const cleanup = cleanups()

const post = async (base: string, body: unknown) => {
  const r = await fetch(`${base}/api/v1/statuses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  })
  expect(r.status, await r.clone().text()).toBe(202)
  return r.json()
}

const until = async (what: string, check: () => boolean, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

it("two API processes on one PostgreSQL: a status stored through either reaches SSE clients of both, and both answer byte for byte alike", async () => {
  const db = await createTestDatabase(databaseUrl, "two_api")
  cleanup(() => dropTestDatabase(databaseUrl, db))
  const DATABASE_URL = databaseUrlOf(db)
  // Both migrate on start, at once: the migration lock makes the second wait, then find nothing pending.
  const [one, two] = await Promise.all(
    [1, 2].map((n) =>
      startApi({ DATABASE_URL, DB_MIGRATE_ON_START: "true", DB_POOL_SIZE: "2" }, `${LOGS}two-api-${n}.log`),
    ),
  )
  cleanup(
    () => one!.stop(),
    () => two!.stop(),
  )
  const a = one!
  const b = two!

  // Live views opened on each process before anything is stored for their payloads.
  const X = hexId(0xa1)
  const Y = hexId(0xb2)
  const onB = await followSse(`${b.url}/api/v1/payloads/${X}/events`)
  const onA = await followSse(`${a.url}/api/v1/payloads/${Y}/events`)
  cleanup(onB.close, onA.close)
  await until("both streams connected", () => onA.events.length > 0 && onB.events.length > 0)

  // Stored through API 1, seen live by the client of API 2 (and the other way round).
  expect(
    await post(a.url, [
      statusAt(X, "ingress", "received", "10:00:00"),
      statusAt(X, "ingress", "success", "10:00:02"),
    ]),
  ).toEqual({ accepted: 2, rejected: [] })
  await post(b.url, [
    statusAt(Y, "puptoo", "processing", "11:00:00"),
    statusAt(Y, "puptoo", "error", "11:00:05"),
  ])
  const statuses = (s: typeof onA) => s.events.filter((e) => e.event === "status")
  await until("API 2's client sees both statuses stored through API 1", () => statuses(onB).length === 2)
  await until("API 1's client sees both statuses stored through API 2", () => statuses(onA).length === 2)
  expect(onB.events[0]?.event).toBe("connected")
  expect(statuses(onB).map((e) => JSON.parse(e.data) as { request_id: string; status: string })).toEqual([
    expect.objectContaining({ request_id: X, status: "received" }),
    expect.objectContaining({ request_id: X, status: "success" }),
  ])
  expect(statuses(onA).map((e) => (JSON.parse(e.data) as { status: string }).status)).toEqual([
    "processing",
    "error",
  ])

  // The same requests to both processes: the same status, content type and bytes (but for `elapsed`).
  const paths = [
    "/api/v1/payloads",
    "/api/v1/payloads?sort_by=created_at&sort_dir=asc&page_size=1",
    `/api/v1/payloads/${X}`,
    `/api/v1/payloads/${Y}`,
    `/api/v1/payloads/${hexId(0xc3)}`,
    "/api/v1/statuses?sort_by=date&sort_dir=asc",
    "/api/v1/statuses?service=puptoo&status=error",
    `/api/v1/statuses?date_gte=${DAY}T10:00:01Z&date_lt=${DAY}T11:00:01Z`,
    "/api/v1/statuses?page_size=not-a-number",
  ]
  for (const path of paths) {
    const [fromA, fromB] = await Promise.all(
      [a, b].map(async (api) => {
        const r = await fetch(`${api.url}${path}`)
        // `elapsed` is the time this process took to answer: the one field that may differ.
        const body = (await r.text()).replace(/"elapsed":[0-9.e-]+/, '"elapsed":"…"')
        return { status: r.status, type: r.headers.get("content-type"), body }
      }),
    )
    expect(fromB, path).toEqual(fromA)
  }
  const track = JSON.parse(await (await fetch(`${b.url}/api/v1/payloads/${X}`)).text()) as {
    data: Array<unknown>
  }
  expect(track.data).toHaveLength(2)
}, 90_000)
