import { MemoryPayloadStoreLayer } from "@pt/adapters-memory/MemoryPayloadStore"
import { MemoryStatusFeedLayer } from "@pt/adapters-memory/MemoryStatusFeed"
import { RequestId } from "@pt/domain/RequestId"
import { testDay } from "@pt/domain/testing/TestDates"
import { Effect, Layer, Stream } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { payloadEvents } from "../src/Sse.ts"
import { post, type RunningApi, startApi } from "../testing/TestServer.ts"

// Fixture dates derive from the clock (see TestDates.ts): a fixed day goes stale.
const DAY = testDay()

const ID = "0123456789abcdef0123456789abcdef"
const status = (s: string, date: string) => ({ request_id: ID, service: "puptoo", status: s, date })

/** Reads an SSE response until `predicate` holds for the text received so far. */
const readUntil = async (
  reader: ReadableStreamDefaultReader<Uint8Array>,
  seen: { text: string },
  predicate: (t: string) => boolean,
) => {
  const decoder = new TextDecoder()
  while (!predicate(seen.text)) {
    const { value, done } = await reader.read()
    if (done) throw new Error(`stream ended: ${seen.text}`)
    seen.text += decoder.decode(value, { stream: true })
  }
}

describe("GET /payloads/{request_id}/events (SSE)", () => {
  let api: RunningApi
  beforeAll(async () => {
    api = await startApi()
    await post(api.url, "/api/v1/statuses", JSON.stringify(status("received", `${DAY}T10:00:00Z`)))
  })
  afterAll(() => api.close())

  it("announces the connection, then streams each newly stored status of that payload", async () => {
    const controller = new AbortController()
    const response = await fetch(`${api.url}/app/payload-tracker/api/v1/payloads/${ID}/events`, {
      signal: controller.signal,
    })
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/)
    const reader = response.body!.getReader()
    const seen = { text: "" }
    await readUntil(reader, seen, (t) => t.includes("event: connected"))
    expect(seen.text).toContain(`"request_id":"${ID}","statuses":1`)

    await post(api.url, "/api/v1/statuses", JSON.stringify(status("processing", `${DAY}T10:00:01Z`)))
    await post(
      api.url,
      "/api/v1/statuses",
      JSON.stringify({ ...status("received", `${DAY}T10:00:02Z`), request_id: "f".repeat(32) }),
    )
    await post(api.url, "/api/v1/statuses", JSON.stringify(status("success", `${DAY}T10:00:03Z`)))
    await readUntil(reader, seen, (t) => t.includes('"status":"success"'))
    const events = seen.text.split("\n\n").filter((e) => e.includes("event: status"))
    expect(events).toHaveLength(2)
    const data = JSON.parse(events[0]!.split("data: ")[1]!) as Record<string, unknown>
    expect(data).toMatchObject({
      id: 1,
      service: "puptoo",
      request_id: ID,
      status: "processing",
      date: `${DAY}T10:00:01Z`,
    })
    expect(seen.text).not.toContain("f".repeat(32))
    controller.abort()
  })

  it("rejects an id that is not a payload id", async () => {
    const r = await fetch(`${api.url}/api/v1/payloads/nope/events`)
    expect(r.status).toBe(400)
    expect(await r.json()).toEqual({ title: "Bad Request", message: "nope is not a valid UUID", status: 400 })
  })

  it("sends heartbeat comments", async () => {
    const text = await Effect.runPromise(
      payloadEvents(RequestId.make(ID), "20 millis").pipe(
        Stream.decodeText,
        Stream.take(3),
        Stream.runFold(
          () => "",
          (acc, s) => acc + s,
        ),
        Effect.provide(Layer.merge(MemoryPayloadStoreLayer, MemoryStatusFeedLayer)),
      ),
    )
    expect(text).toContain("event: connected")
    expect(text.match(/: heartbeat\n\n/g)).toHaveLength(2)
  })
})
