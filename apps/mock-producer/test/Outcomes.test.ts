import { assert, describe, it } from "@effect/vitest"
import { MemoryPayloadStoreLayer } from "@pt/adapters-memory/MemoryPayloadStore"
import { MemoryStatusFeedLayer } from "@pt/adapters-memory/MemoryStatusFeed"
import { ingestValues } from "@pt/domain/Ingest"
import { RequestId } from "@pt/domain/RequestId"
import { decodeStatusMessage } from "@pt/domain/StatusMessage"
import { Micros } from "@pt/domain/Timestamp"
import { trackPayload } from "@pt/domain/Track"
import { HOUR_MS } from "@pt/domain/testing/TestDates"
import { Effect, Layer, Result } from "effect"
import { TestClock } from "effect/testing"
import { NOISE_KINDS, noiseRecord, recordText } from "../src/Noise.ts"
import { Rng } from "../src/Random.ts"
import { generateTrace, type ScenarioName } from "../src/Scenarios.ts"
import { defaultTraceOptions, type Trace } from "../src/Trace.ts"

const Store = Layer.mergeAll(MemoryPayloadStoreLayer, MemoryStatusFeedLayer)
// Traces start an hour before the clock (see TestDates.ts): a fixed instant goes stale.
const T0 = (Date.now() - HOUR_MS) * 1000
// Exaggerated wire imperfections, so duplicates, swaps, retries and skew all occur in these runs.
const rough = { duplicateRate: 0.5, swapRate: 0.2, retryRate: 0.5, skewMs: 10 }

/** Sends the trace through the tracker's HTTP ingest use case in wire order, then tracks it. */
const outcome = (trace: Trace, nowMicros: number) =>
  Effect.gen(function* () {
    // Ingest judges dates against the clock (at most 24 h ahead), so the clock is set first.
    yield* TestClock.setTime(nowMicros / 1000)
    const result = yield* ingestValues(trace.records.map((r) => r.value))
    assert.deepStrictEqual(result.rejected, [])
    const track = yield* trackPayload(RequestId.make(trace.upload.requestId))
    return track!.lifecycle.outcome
  })

const lastDate = (trace: Trace) =>
  Math.max(...trace.records.map((r) => Result.getOrThrow(decodeStatusMessage(recordText(r))).date))

const expected: Record<ScenarioName, string> = {
  A: "success",
  B: "error",
  C: "error",
  D: "error",
  E: "in_progress",
  F: "success",
  G: "success",
  H: "any",
}

describe("scenarios after passing through the tracker (domain + memory adapter)", () => {
  for (const [scenario, want] of Object.entries(expected) as Array<[ScenarioName, string]>) {
    if (want === "any") continue
    it.effect(`${scenario} ends ${want}, with default and with rough wire behaviour`, () =>
      Effect.gen(function* () {
        for (let seed = 1; seed <= 15; seed++) {
          for (const options of [defaultTraceOptions, rough]) {
            const trace = generateTrace(new Rng(seed), scenario, Micros.make(T0), options)
            // F includes compliance's own failure variant (3 %): compliance error, copy to the reject bucket.
            const failed = trace.records.some((r) => (r.value as { status?: string }).status === "error")
            const wanted = scenario === "F" && failed ? "error" : want
            assert.strictEqual(yield* outcome(trace, lastDate(trace) + 1_000_000), wanted, `seed ${seed}`)
          }
        }
      }).pipe(Effect.provide(Store)),
    )
  }

  it.effect("B is error although its last status is storage-broker success", () =>
    Effect.gen(function* () {
      const trace = generateTrace(new Rng(3), "B", Micros.make(T0), { ...defaultTraceOptions, swapRate: 0 })
      yield* outcome(trace, T0)
      const track = (yield* trackPayload(RequestId.make(trace.upload.requestId), "date", "desc"))!
      assert.strictEqual(track.statuses[0]!.service, "storage-broker")
      assert.strictEqual(track.statuses[0]!.status, "success")
      assert.strictEqual(track.lifecycle.outcome, "error")
    }).pipe(Effect.provide(Store)),
  )

  it.effect("E stays in_progress, then is stalled once its only status is older than an hour", () =>
    Effect.gen(function* () {
      const trace = generateTrace(new Rng(1), "E", Micros.make(T0), defaultTraceOptions)
      assert.strictEqual(yield* outcome(trace, T0 + 10 * 60_000_000), "in_progress")
      yield* TestClock.adjust("2 hours")
      assert.strictEqual(
        (yield* trackPayload(RequestId.make(trace.upload.requestId)))!.lifecycle.outcome,
        "stalled",
      )
    }).pipe(Effect.provide(Store)),
  )

  it.effect("duplicated received is stored once", () =>
    Effect.gen(function* () {
      const trace = generateTrace(new Rng(9), "B", Micros.make(T0), {
        ...defaultTraceOptions,
        duplicateRate: 1,
      })
      const values = trace.records.map((r) => JSON.stringify(r.value))
      assert.strictEqual(new Set(values).size, values.length - 1)
      yield* outcome(trace, T0)
      assert.strictEqual(
        (yield* trackPayload(RequestId.make(trace.upload.requestId)))!.statuses.length,
        values.length - 1,
      )
    }).pipe(Effect.provide(Store)),
  )

  it("every noise kind is rejected by the tracker's decoder", () => {
    const rng = new Rng(1)
    for (const kind of NOISE_KINDS) {
      const record = noiseRecord(rng, kind, Micros.make(T0), rng.requestId())
      assert.isTrue(Result.isFailure(decodeStatusMessage(recordText(record))), kind)
    }
  })
})
