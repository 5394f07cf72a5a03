import { Clock, Context, Effect } from "effect"
import { durationMap, durationSpans } from "./Durations.ts"
import { type PayloadLifecycle, payloadLifecycle } from "./Lifecycle.ts"
import type { Payload, StoredStatus } from "./Payload.ts"
import { PayloadQueries } from "./ports/PayloadQueries.ts"
import type { HistorySortField, SortDir } from "./Queries.ts"
import type { RequestId } from "./RequestId.ts"
import { Micros } from "./Timestamp.ts"

/** How long an in-progress payload may stay silent before it counts as `stalled` (default 1 h). */
export const StalledAfter = Context.Reference<Micros>("@pt/domain/StalledAfter", {
  defaultValue: () => Micros.make(3_600_000_000),
})

interface PayloadTrack {
  readonly payload: Payload
  readonly statuses: ReadonlyArray<StoredStatus>
  /** The API's compatible `duration` map of `HH:MM:SS.ffffff` strings. */
  readonly duration: Record<string, string>
  /** The same spans in microseconds. */
  readonly spans: ReadonlyMap<string, Micros>
  readonly lifecycle: PayloadLifecycle
}

const compareBy =
  (field: HistorySortField) =>
  (a: StoredStatus, b: StoredStatus): number => {
    const x = a[field]
    const y = b[field]
    return x < y ? -1 : x > y ? 1 : a.status_id - b.status_id
  }

const sortHistory = (
  statuses: ReadonlyArray<StoredStatus>,
  sortBy: HistorySortField,
  sortDir: SortDir,
): Array<StoredStatus> => {
  const compare = compareBy(sortBy)
  return [...statuses].sort(sortDir === "asc" ? compare : (a, b) => compare(b, a))
}

/** One payload's story: all its statuses sorted as asked, durations and outcome; undefined when unknown. */
export const trackPayload = Effect.fn("Track.trackPayload")(function* (
  requestId: RequestId,
  sortBy: HistorySortField = "date",
  sortDir: SortDir = "desc",
) {
  const queries = yield* PayloadQueries
  const history = yield* queries.payloadHistory(requestId)
  if (history === undefined || history.statuses.length === 0) return undefined
  const now = Micros.make((yield* Clock.currentTimeMillis) * 1000)
  const stalledAfter = yield* StalledAfter
  return {
    payload: history.payload,
    statuses: sortHistory(history.statuses, sortBy, sortDir),
    duration: durationMap(history.statuses),
    spans: durationSpans(history.statuses),
    lifecycle: payloadLifecycle(history.statuses, { now, stalledAfter })!,
  } satisfies PayloadTrack
})
