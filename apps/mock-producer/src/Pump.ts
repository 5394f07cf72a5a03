import { Micros } from "@pt/domain/Timestamp"
import { Clock, Effect, Semaphore } from "effect"
import { Output } from "./outputs/Output.ts"
import { Timeline } from "./Schedule.ts"
import type { TraceRecord } from "./Trace.ts"

/** Counters of what reached the output, shared by the progress line and the summary. */
class SendStats {
  dispatched = 0
  accepted = 0
  rejected = 0
  skipped = 0
  /** Records in batches the output failed to deliver (HTTP error, broker down, …). */
  errors = 0
  batches = 0
  failedBatches = 0
  lastError = ""

  /** Records the output has answered for. */
  get sent(): number {
    return this.accepted + this.rejected + this.skipped
  }
}

interface PumpOptions {
  readonly batchSize: number
  /** Batches in flight at once; more hides the receiver's latency at high rates. */
  readonly concurrency: number
  readonly tickMs: number
}

/**
 * Sends records through the Output in batches, with bounded concurrency (a full pipe blocks the caller, which
 * is the back-pressure), and can drain a Timeline in real time: the scheduling half of the simulation.
 */
export const makePump = Effect.fnUntraced(function* (options: PumpOptions) {
  const output = yield* Output
  const permits = yield* Semaphore.make(options.concurrency)
  const stats = new SendStats()
  const timeline = new Timeline()

  const sendBatch = (batch: ReadonlyArray<TraceRecord>) =>
    output.send(batch).pipe(
      Effect.match({
        onSuccess: (r) => {
          stats.accepted += r.accepted
          stats.rejected += r.rejected
          stats.skipped += r.skipped
          stats.batches++
        },
        onFailure: (e) => {
          stats.errors += batch.length
          stats.failedBatches++
          stats.lastError = e.message
        },
      }),
    )

  const dispatch = Effect.fnUntraced(function* (records: ReadonlyArray<TraceRecord>) {
    stats.dispatched += records.length
    for (let i = 0; i < records.length; i += options.batchSize) {
      const batch = records.slice(i, i + options.batchSize)
      yield* permits.take(1)
      yield* Effect.forkChild(sendBatch(batch).pipe(Effect.ensuring(permits.release(1))))
    }
  })

  /** Waits until every batch in flight has been answered. */
  const idle = permits.withPermits(options.concurrency)(Effect.void)
  const nowMicros = Effect.map(Clock.currentTimeMillis, (ms) => ms * 1000)

  /** Each tick: `beforeTick` may add payloads, then everything due is sent; stops when `until` says so. */
  const runRealtime = Effect.fnUntraced(function* (loop: {
    readonly beforeTick?: (now: number) => void
    readonly until: (now: number) => boolean
  }) {
    for (;;) {
      const now = yield* nowMicros
      loop.beforeTick?.(now)
      const due = timeline.popDue(Micros.make(now))
      if (due.length > 0) yield* dispatch(due)
      if (loop.until(now)) break
      yield* Effect.sleep(options.tickMs)
    }
    yield* idle
  })

  return { describe: output.describe, stats, timeline, dispatch, idle, nowMicros, runRealtime }
})

export type Pump = Effect.Success<ReturnType<typeof makePump>>
