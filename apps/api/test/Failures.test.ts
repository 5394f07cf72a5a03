import { MemoryStatusFeedLayer } from "@pt/adapters-memory/MemoryStatusFeed"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import { testDay } from "@pt/domain/testing/TestDates"
import { Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { get, post, type RunningApi, startApi } from "../testing/TestServer.ts"

// Fixture dates derive from the clock (see TestDates.ts): a fixed day goes stale.
const DAY = testDay()

const down = Effect.fail(new StoreUnavailable({ message: "connection refused" }))
const FailingStore = Layer.mergeAll(
  Layer.succeed(PayloadQueries, {
    listPayloads: () => down,
    listStatuses: () => down,
    payloadHistory: () => down,
    countStatuses: () => down,
    hostHistory: () => down,
    openByService: () => down,
    pipelineAnalytics: () => down,
  }),
  Layer.succeed(PayloadStore, { record: () => down, ping: down }),
  MemoryStatusFeedLayer,
)

describe("a failing store is never an empty 200", () => {
  let api: RunningApi
  beforeAll(async () => {
    api = await startApi({ store: FailingStore })
  })
  afterAll(() => api.close())

  const unavailable = {
    title: "Service Unavailable",
    // The store's detail ("connection refused") goes to the log, never to the client.
    message: "the payload store is unavailable; try again shortly (the cause is in the API's log)",
    status: 503,
  }

  it.each([
    "/health",
    "/ready",
    "/api/v1/payloads",
    "/api/v1/payloads/0123456789abcdef0123456789abcdef",
    "/api/v1/statuses",
    "/app/payload-tracker/api/v1/stats",
  ])("GET %s → 503 with the error body", async (path) => {
    const r = await get(api.url, path)
    expect([r.status, r.body]).toEqual([503, unavailable])
  })

  it("keeps /live up", async () => {
    expect((await get(api.url, "/live")).status).toBe(200)
  })

  it("answers 503 to HTTP ingest", async () => {
    const body = JSON.stringify({
      request_id: "0".repeat(32),
      service: "a",
      status: "b",
      date: `${DAY}T10:00:00Z`,
    })
    const r = await post(api.url, "/api/v1/statuses", body)
    expect([r.status, r.body]).toEqual([503, unavailable])
  })
})
