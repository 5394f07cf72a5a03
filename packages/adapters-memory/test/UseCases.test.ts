import { assert, describe, it } from "@effect/vitest"
import { ingestValues, recordEvents } from "@pt/domain/Ingest"
import { successRate } from "@pt/domain/Stats"
import { parseStatusDate } from "@pt/domain/Timestamp"
import { StalledAfter, trackPayload } from "@pt/domain/Track"
import { freshId, freshName, statusEvent } from "@pt/domain/testing/Fixtures"
import { liveSubscriber } from "@pt/domain/testing/StatusFeedSuite"
import { testDay } from "@pt/domain/testing/TestDates"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { MemoryPayloadStoreLayer } from "../src/MemoryPayloadStore.ts"
import { MemoryStatusFeedLayer } from "../src/MemoryStatusFeed.ts"

// Fixture dates derive from the clock (see TestDates.ts): a fixed day goes stale.
const DAY = testDay()

const Store = Layer.mergeAll(MemoryPayloadStoreLayer, MemoryStatusFeedLayer)
const at = (t: string) => parseStatusDate(`${DAY}T${t}Z`)!

describe("use cases over the memory adapter", () => {
  it.effect("ingestValues stores valid items and reports each rejected index with its reason", () =>
    Effect.gen(function* () {
      // Ingest judges dates against the clock (at most 24 h ahead): the TestClock starts at 1970.
      yield* TestClock.setTime(Date.now())
      const id = freshId()
      const msg = { request_id: id, service: "ingress", status: "received", date: `${DAY}T10:00:00Z` }
      const result = yield* ingestValues([
        msg,
        { ...msg, request_id: "-1" },
        msg,
        [1],
        { ...msg, status: "success" },
      ])
      assert.strictEqual(result.accepted, 3)
      assert.deepStrictEqual(
        result.rejected.map((r) => [r.index, r.kind]),
        [
          [1, "invalid_request_id"],
          [3, "invalid_message"],
        ],
      )
      const track = (yield* trackPayload(id))!
      assert.strictEqual(track.statuses.length, 2)
    }).pipe(Effect.provide(Store)),
  )

  it.effect("trackPayload sorts (default date desc), builds the duration map and the outcome", () =>
    Effect.gen(function* () {
      const id = freshId()
      yield* recordEvents([
        statusEvent({ request_id: id, service: "ingress", status: "received", date: at("10:00:00") }),
        statusEvent({ request_id: id, service: "ingress", status: "success", date: at("10:00:01.5") }),
        statusEvent({ request_id: id, service: "puptoo", status: "received", date: at("10:00:02") }),
        statusEvent({
          request_id: id,
          service: "puptoo",
          status: "error",
          status_msg: "boom",
          date: at("10:00:04"),
        }),
        statusEvent({ request_id: id, service: "storage-broker", status: "success", date: at("10:00:05") }),
      ])
      yield* TestClock.setTime(at("10:00:06") / 1000)
      const t = (yield* trackPayload(id))!
      assert.deepStrictEqual(
        t.statuses.map((s) => s.date),
        ["10:00:05", "10:00:04", "10:00:02", "10:00:01.5", "10:00:00"].map(at),
      )
      assert.deepStrictEqual(t.duration, {
        "ingress:undefined": "00:00:01.500000",
        "puptoo:undefined": "00:00:02.000000",
        "storage-broker:undefined": "00:00:00.000000",
        total_time_in_services: "00:00:03.500000",
        total_time: "00:00:05.000000",
      })
      assert.strictEqual(t.lifecycle.outcome, "error")
      const byService = (yield* trackPayload(id, "service", "asc"))!
      assert.deepStrictEqual(
        byService.statuses.map((s) => s.service),
        ["ingress", "ingress", "puptoo", "puptoo", "storage-broker"],
      )
      assert.isUndefined(yield* trackPayload(freshId()))
    }).pipe(Effect.provide(Store)),
  )

  it.effect("an open payload turns stalled after the configured silence", () =>
    Effect.gen(function* () {
      const id = freshId()
      yield* recordEvents([statusEvent({ request_id: id, date: at("10:00:00") })])
      yield* TestClock.setTime(at("10:30:00") / 1000)
      assert.strictEqual((yield* trackPayload(id))!.lifecycle.outcome, "in_progress")
      yield* TestClock.setTime(at("11:00:01") / 1000)
      assert.strictEqual((yield* trackPayload(id))!.lifecycle.outcome, "stalled")
      const shortThreshold = trackPayload(id).pipe(Effect.provideService(StalledAfter, 3_600_000_000 * 2))
      assert.strictEqual((yield* shortThreshold)!.lifecycle.outcome, "in_progress")
    }).pipe(Effect.provide(Store)),
  )

  it.effect("successRate counts terminal statuses per service since a time", () =>
    Effect.gen(function* () {
      const service = freshName("svc")
      yield* recordEvents(
        ["success", "successful", "error", "failed", "received", "success"].map((status, i) =>
          statusEvent({ request_id: freshId(), service, status, date: at(`1${i}:00:00`) }),
        ),
      )
      const rates = (yield* successRate(at("11:00:00"))).filter((r) => r.service === service)
      assert.deepStrictEqual(rates, [{ service, success: 2, error: 2, success_rate: 50 }])
    }).pipe(Effect.provide(Store)),
  )

  it.live("recordEvents announces stored request ids on the status feed", () =>
    Effect.gen(function* () {
      const subscriber = yield* liveSubscriber
      const id = freshId()
      yield* recordEvents([statusEvent({ request_id: id })])
      assert.deepStrictEqual(yield* subscriber.take(1), [id])
    }).pipe(Effect.provide(Store)),
  )
})
