/**
 * Pipeline analytics over a time window, read from the per-payload, per-service summary (Summary.ts): what
 * `GET /pipeline` answers (docs/api.md, "Pipeline analytics").
 *
 * The unit is a payload's stage in one service (a summary row), never a status: redelivered statuses do not
 * count twice. A stage counts in the window when its first status in that service falls in [since, until).
 * Its state, elapsed time and first error are the summary's (`serviceState`, `serviceElapsed`, `firstError`).
 * Percentiles come from a log-spaced histogram of the elapsed times (DURATION_BOUNDS): the answer is the
 * representative value of the bucket holding the `percentile_disc` value, within 5 % of it. Both stores answer
 * the same value; the PostgreSQL store can then read pre-aggregated buckets (its pipeline rollup).
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

/** Discrete percentiles (PostgreSQL `percentile_disc`), each as its histogram bucket's value (bucketValue). */
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

interface TopError {
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

/**
 * The grain of pre-aggregated analytics (the PostgreSQL store's rollup cells): a window whose since, until and
 * bucket are whole multiples of it (since the epoch) is answered from pre-aggregated rows; any other window is
 * computed from the summaries (same answer, slower). The API's default window ends on one.
 */
export const WINDOW_GRAIN: Micros = Micros.make(5 * 60 * 1_000_000)

export const isGrainAligned = (q: Pick<AnalyticsQuery, "since" | "until" | "bucket">): boolean =>
  q.since % WINDOW_GRAIN === 0 && q.until % WINDOW_GRAIN === 0 && q.bucket % WINDOW_GRAIN === 0

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

/**
 * Lower bounds (microseconds) of the duration histogram's buckets: bucket i holds [DURATION_BOUNDS[i],
 * DURATION_BOUNDS[i + 1]); values below 1 µs (0) fall in bucket 0 with 1 µs, the last bucket is open-ended.
 * Each bound is the previous one times 1.1 (rounded down), or one more when that is no higher: below 20 µs
 * every bucket holds one integer value, above it the ratio of a bucket's bounds is at most 1.1. Integer
 * arithmetic only, so every store computes the same table. Part of the stored rollup: changing it needs a
 * migration that rebuilds it.
 */
export const DURATION_BOUNDS: ReadonlyArray<number> = (() => {
  const bounds = [1]
  // Up to ≈115 days: any stage the retention keeps.
  while (bounds[bounds.length - 1]! < 1e13) {
    const last = bounds[bounds.length - 1]!
    bounds.push(Math.max(last + 1, Math.floor((last * 11) / 10)))
  }
  return bounds
})()

/** The histogram bucket of a duration (PostgreSQL: `width_bucket(v, bounds) - 1`, clamped to 0). */
export const durationBucket = (value: number): number => {
  let lo = 0
  let hi = DURATION_BOUNDS.length - 1
  if (value < DURATION_BOUNDS[0]!) return 0
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (DURATION_BOUNDS[mid]! <= value) lo = mid
    else hi = mid - 1
  }
  return lo
}

/**
 * The value a bucket stands for: its one integer when it holds one, else the geometric mean of its bounds
 * (rounded to a microsecond), so every value of the bucket is within 5 % of it (sqrt(1.1) − 1 ≈ 4.9 %).
 */
export const bucketValue = (bucket: number): Micros => {
  const lo = DURATION_BOUNDS[bucket]!
  const hi = DURATION_BOUNDS[bucket + 1]
  return Micros.make(hi === undefined || hi - lo === 1 ? lo : Math.round(Math.sqrt(lo * hi)))
}

/** A duration as the histogram reports it: its bucket's value. */
export const approximate = (value: number): Micros => bucketValue(durationBucket(value))

/**
 * Percentiles of a histogram (bucket → count): the value of the bucket holding the ceil(p·n)-th smallest
 * duration, i.e. exactly `approximate(percentile_disc(p))` of the durations counted.
 */
export const histogramPercentiles = (counts: ReadonlyMap<number, number>): Percentiles | undefined => {
  const buckets = [...counts].filter(([, c]) => c > 0).sort(([a], [b]) => a - b)
  const n = buckets.reduce((sum, [, c]) => sum + c, 0)
  if (n === 0) return undefined
  const at = (p: number): Micros => {
    const rank = Math.max(1, Math.ceil(p * n))
    let seen = 0
    for (const [bucket, c] of buckets) {
      seen += c
      if (seen >= rank) return bucketValue(bucket)
    }
    return bucketValue(buckets[buckets.length - 1]![0])
  }
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) }
}

/** Percentiles of unsorted values as the histogram reports them, or undefined when there are none. */
export const percentiles = (values: ReadonlyArray<Micros>): Percentiles | undefined => {
  if (values.length === 0) return undefined
  const sorted = [...values].sort((a, b) => a - b)
  return {
    p50: approximate(percentileDisc(sorted, 0.5)),
    p95: approximate(percentileDisc(sorted, 0.95)),
    p99: approximate(percentileDisc(sorted, 0.99)),
  }
}
