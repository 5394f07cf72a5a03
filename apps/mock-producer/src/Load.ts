import { Micros } from "@pt/domain/Timestamp"
import { Effect } from "effect"
import { Progress } from "./Progress.ts"
import type { Pump } from "./Pump.ts"
import { uploadStart, VirtualTraffic } from "./Schedule.ts"
import type { TraceRecord } from "./Trace.ts"
import type { Traffic } from "./Traffic.ts"

export interface LoadOptions {
  readonly unit: "uploads" | "statuses"
  /** Per second in `unit`; undefined = as fast as the output takes them (`--max`). */
  readonly rate: number | undefined
  readonly durationMs: number | undefined
  /** Stop after this many, in `unit`. */
  readonly count: number | undefined
  readonly tickMs: number
  readonly progress: boolean
}

/** Records pulled in order, whatever their time (status-paced load, `--max`, `replay`). */
export interface RecordSource {
  readonly pull: (n: number) => Array<TraceRecord>
  readonly uploads: () => number
}

export const trafficSource = (traffic: Traffic, origin: number, statusesPerSecond: number): RecordSource => {
  const virtual = new VirtualTraffic(
    (t0) => traffic.next(t0),
    Micros.make(origin),
    statusesPerSecond / traffic.meanRecords(),
  )
  return { pull: (n) => virtual.pull(n), uploads: () => virtual.uploads }
}

const summary = (
  pump: Pump,
  options: LoadOptions,
  elapsedMs: number,
  uploads: number,
  generationMs: number,
) => ({
  output: pump.describe,
  unit: options.unit,
  target_rate: options.rate ?? "max",
  elapsed_s: Math.round(elapsedMs) / 1000,
  uploads,
  statuses: pump.stats.dispatched,
  accepted: pump.stats.accepted,
  rejected: pump.stats.rejected,
  skipped: pump.stats.skipped,
  errors: pump.stats.errors,
  failed_batches: pump.stats.failedBatches,
  achieved_status_rate: Math.round((pump.stats.sent / (elapsedMs / 1000)) * 100) / 100,
  achieved_upload_rate: Math.round((uploads / (generationMs / 1000)) * 100) / 100,
  ...(pump.stats.lastError ? { last_error: pump.stats.lastError } : {}),
})

/**
 * Uploads at a steady rate in real time: each payload's statuses go out when the simulated services would send
 * them. After the duration or count, the payloads already started run to their end (a few seconds).
 */
export const runUploads = Effect.fnUntraced(function* (pump: Pump, traffic: Traffic, options: LoadOptions) {
  const rate = options.rate ?? 10
  const origin = yield* pump.nowMicros
  let started = 0
  let generationEnd: number | undefined
  const progress = yield* Progress.start(pump, options, () => started)
  yield* pump.runRealtime({
    beforeTick: (now) => {
      if (generationEnd !== undefined) return
      const elapsed = now - origin
      if (
        (options.durationMs !== undefined && elapsed >= options.durationMs * 1000) ||
        started === options.count
      ) {
        generationEnd = now
        return
      }
      const due = Math.min(
        Math.floor((elapsed * rate) / 1_000_000) + 1,
        options.count ?? Number.POSITIVE_INFINITY,
      )
      while (started < due)
        pump.timeline.push(
          traffic.next(uploadStart(Micros.make(origin), started++, rate, traffic.rng.next())),
        )
    },
    until: () => generationEnd !== undefined && pump.timeline.size === 0,
  })
  const end = yield* pump.nowMicros
  yield* progress.stop
  return {
    ...summary(pump, options, (end - origin) / 1000, started, ((generationEnd ?? end) - origin) / 1000),
    scenarios: traffic.counts,
  }
})

/** Statuses at a fixed rate (or as fast as possible) from any source of records. */
export const runStatuses = Effect.fnUntraced(function* (
  pump: Pump,
  source: RecordSource,
  options: LoadOptions,
) {
  const origin = yield* pump.nowMicros
  const burst = 4 * Math.max(1, Math.round((options.rate ?? 50_000) / 50))
  const progress = yield* Progress.start(pump, options, source.uploads)
  for (;;) {
    const now = yield* pump.nowMicros
    const elapsed = now - origin
    if (options.durationMs !== undefined && elapsed >= options.durationMs * 1000) break
    let target =
      options.rate === undefined
        ? pump.stats.dispatched + burst
        : Math.floor((elapsed * options.rate) / 1_000_000)
    if (options.count !== undefined) target = Math.min(target, options.count)
    const want = target - pump.stats.dispatched
    if (want > 0) {
      const records = source.pull(want)
      if (records.length === 0) break
      yield* pump.dispatch(records)
    }
    if (options.count !== undefined && pump.stats.dispatched >= options.count) break
    if (options.rate === undefined) yield* Effect.yieldNow
    else yield* Effect.sleep(options.tickMs)
  }
  yield* pump.idle
  const end = yield* pump.nowMicros
  yield* progress.stop
  return summary(pump, options, (end - origin) / 1000, source.uploads(), (end - origin) / 1000)
})
