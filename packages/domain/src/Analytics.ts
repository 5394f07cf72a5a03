/**
 * Pipeline analytics over a time window, read from the per-payload, per-service summary (Summary.ts): what
 * `GET /pipeline` answers (docs/api.md, "Pipeline analytics").
 *
 * The unit is a payload's stage in one service (a summary row), never a status: redelivered statuses do not
 * count twice. A stage counts in the window when its first status in that service falls in [since, until).
 * Its state, elapsed time and first error are the summary's (`serviceState`, `serviceElapsed`, `firstError`).
 * Percentiles are exact: `percentile_disc` over the elapsed times of the window's finished stages.
 */
import { Micros } from "./Timestamp.ts"

export interface AnalyticsQuery {
  /** Inclusive start of the window. */
  readonly since: Micros
  /** Exclusive end of the window. */
  readonly until: Micros
  /** Width of a series bucket; buckets start at `since`, the last one may reach past `until`. */
  readonly bucket: Micros
  /** "Now" of `stalled_now`, with `stalledAfter` (Track.ts StalledAfter). */
  readonly now: Micros
  readonly stalledAfter: Micros
  /** At most this many top errors per service. */
  readonly topErrors: number
}

/** Discrete percentiles (PostgreSQL `percentile_disc`): each is one of the observed values. */
export interface Percentiles {
  readonly p50: Micros
  readonly p95: Micros
  readonly p99: Micros
}

export interface SeriesPoint {
  readonly start: Micros
  /** Stages that started in the bucket. */
  readonly throughput: number
  /** Of those, the ones that failed. */
  readonly errors: number
  /** p95 of the elapsed time of those that finished; absent when none did. */
  readonly p95?: Micros
}

export interface TopError {
  readonly status: string
  readonly status_msg: string
  /** Stages whose first error was this status and message. */
  readonly count: number
  /** The least request_id (code point order) among them: stable between calls. */
  readonly exampleRequestId: string
}

export interface ServiceAnalytics {
  readonly service: string
  readonly seen: number
  readonly succeeded: number
  readonly failed: number
  /** Stages still open (no terminal status yet, or reopened by a later `received`). */
  readonly openNow: number
  /** Open stages of payloads that are `stalled` (no error anywhere, last status older than stalledAfter). */
  readonly stalledNow: number
  /** Absent when no stage of the window finished. */
  readonly duration?: Percentiles
  /** Every bucket of the window, in order, empty ones included (so charts need no gap filling). */
  readonly series: ReadonlyArray<SeriesPoint>
  /** Most frequent first, then status and message in code point order. */
  readonly topErrors: ReadonlyArray<TopError>
}

/** Payloads whose stage in `to` came right after their stage in `from` (by first status date, then name). */
export interface FlowEdge {
  readonly from: string
  readonly to: string
  readonly count: number
}

export interface PipelineAnalytics {
  /** Ordered by service name (code point order). */
  readonly services: ReadonlyArray<ServiceAnalytics>
  /** Edges into a stage that started in the window; most payloads first, then from, to. */
  readonly flow: ReadonlyArray<FlowEdge>
}

/** The buckets' start times of a window. */
export const bucketStarts = (q: Pick<AnalyticsQuery, "since" | "until" | "bucket">): Array<Micros> => {
  const starts: Array<Micros> = []
  for (let start = q.since; start < q.until; start = Micros.make(start + q.bucket)) starts.push(start)
  return starts
}

/**
 * `percentile_disc(p)` of ascending `sorted` values: the first value whose cumulative share reaches p, with
 * PostgreSQL's own arithmetic (`ceil(p * n)`, float8), so both stores answer the same value.
 */
export const percentileDisc = <A extends number>(sorted: ReadonlyArray<A>, p: number): A =>
  sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]!

/** Percentiles of unsorted values, or undefined when there are none. */
export const percentiles = (values: ReadonlyArray<Micros>): Percentiles | undefined => {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return {
    p50: percentileDisc(sorted, 0.5),
    p95: percentileDisc(sorted, 0.95),
    p99: percentileDisc(sorted, 0.99),
  }
}
