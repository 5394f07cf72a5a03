import { statusRuleCases } from "@pt/domain/testing/StatusRuleCases"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { get, type RunningApi, startApi } from "../testing/TestServer.ts"

// HTTP ingest judges a status's bytes exactly as the Kafka consumer judges a record (domain StatusMessage.ts):
// the same cases run through the consumer path in packages/adapters-kafka/test/StatusRules.test.ts.
const NOW_MS = Date.now()
const cases = statusRuleCases(NOW_MS)

const postBytes = async (base: string, body: Uint8Array) => {
  const response = await fetch(`${base}/api/v1/statuses`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json" },
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

const metric = async (url: string, name: string): Promise<number> => {
  const text = await (await fetch(url)).text()
  const line = text.split("\n").find((l) => l.startsWith(`${name} `))
  return line === undefined ? 0 : Number(line.split(" ")[1])
}

describe("POST /statuses judges each item like a Kafka record", () => {
  let api: RunningApi
  beforeAll(async () => {
    api = await startApi()
  })
  afterAll(() => api.close())

  it.each(cases.filter((c) => c.name !== "invalid UTF-8 in status_msg"))(
    "$name",
    async ({ bytes, verdict }) => {
      const r = await postBytes(api.url, bytes)
      expect(r.status).toBe(202)
      if (verdict === "accepted") expect(r.body).toEqual({ accepted: 1, rejected: [] })
      else {
        expect(r.body).toMatchObject({ accepted: 0, rejected: [{ index: 0 }] })
        expect((r.body.rejected as Array<{ reason: string }>)[0]!.reason).toMatch(verdict.reason)
      }
    },
  )

  it("refuses a body that is not valid UTF-8 with a 400 naming the problem, storing nothing", async () => {
    const before = (await get(api.url, "/api/v1/statuses")).body as { count: number }
    const utf8 = cases.find((c) => c.name === "invalid UTF-8 in status_msg")!
    const r = await postBytes(api.url, utf8.bytes)
    expect(r).toEqual({
      status: 400,
      body: { title: "Bad Request", message: "request body is not valid UTF-8", status: 400 },
    })
    expect((await get(api.url, "/api/v1/statuses")).body).toMatchObject({ count: before.count })
  })

  it("an oversized item is rejected by index while its neighbours are stored", async () => {
    const [valid, , huge] = cases.map((c) => JSON.parse(new TextDecoder().decode(c.bytes)) as unknown)
    const body = new TextEncoder().encode(JSON.stringify([huge, { ...(valid as object), status: "success" }]))
    const r = await postBytes(api.url, body)
    expect(r.body).toMatchObject({ accepted: 1, rejected: [{ index: 0 }] })
    expect((r.body.rejected as Array<{ reason: string }>)[0]!.reason).toMatch(/^record too large: /)
  })

  it("counts a numeric request_id as an invalid id, not as an invalid message", async () => {
    const ids = "payload_tracker_consumer_invalid_request_IDs"
    const errors = "payload_tracker_message_process_errors"
    const [idsBefore, errorsBefore] = [
      await metric(api.metricsUrl, ids),
      await metric(api.metricsUrl, errors),
    ]
    const numeric = cases.find((c) => c.name === "a numeric request_id")!
    await postBytes(api.url, numeric.bytes)
    expect(await metric(api.metricsUrl, ids)).toBe(idsBefore + 1)
    expect(await metric(api.metricsUrl, errors)).toBe(errorsBefore)
  })
})
