import { Clock, Effect, Result } from "effect"
import { PayloadStore, type RecordResult } from "./ports/PayloadStore.ts"
import { StatusFeed } from "./ports/StatusFeed.ts"
import type { StatusEvent } from "./StatusEvent.ts"
import { decodeStatusValue, type Rejection } from "./StatusMessage.ts"
import { Micros } from "./Timestamp.ts"

/** Stores a batch of valid events, then tells live readers. The one write path for Kafka and HTTP ingest. */
export const recordEvents = Effect.fnUntraced(function* (events: ReadonlyArray<StatusEvent>) {
  if (events.length === 0) return { inserted: 0, duplicates: 0 } satisfies RecordResult
  const store = yield* PayloadStore
  const feed = yield* StatusFeed
  const result = yield* store.record(events)
  yield* feed.publish(events)
  return result
})

interface IngestResult {
  /** Items stored or already known. */
  readonly accepted: number
  readonly rejected: ReadonlyArray<{
    readonly index: number
    readonly reason: string
    readonly kind: Rejection["kind"]
  }>
}

/**
 * HTTP ingest: already-parsed JSON values, each validated exactly like a Kafka record (same size limit, date range
 * and future rule, judged against the Clock's now).
 */
export const ingestValues = Effect.fn("Ingest.ingestValues")(function* (values: ReadonlyArray<unknown>) {
  const now = Micros.make((yield* Clock.currentTimeMillis) * 1000)
  const events: Array<StatusEvent> = []
  const rejected: Array<IngestResult["rejected"][number]> = []
  values.forEach((value, index) => {
    const decoded = decodeStatusValue(value, now)
    if (Result.isSuccess(decoded)) events.push(decoded.success)
    else rejected.push({ index, ...decoded.failure })
  })
  yield* recordEvents(events)
  return { accepted: events.length, rejected } satisfies IngestResult
})
