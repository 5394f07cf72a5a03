import { type AnalyticsQuery, type PipelineAnalytics, WINDOW_GRAIN } from "@pt/domain/Analytics"
import { Micros } from "@pt/domain/Timestamp"
import { Result, Schema } from "effect"
import { BadRequest } from "./ApiErrors.ts"
import { integer, param, Rfc3339 } from "./QueryParams.ts"
import { omittedWhenUndefined, Seconds, secondsFrom, Timestamp } from "./WireCodecs.ts"

/**
 * `GET /pipeline` (docs/api.md, "Pipeline analytics"): its query parameters, typed and each carrying the 400
 * message that names it (Routing.ts answers the first failing one), and its answer, whose field order is the
 * key order on the wire.
 */

const SECOND = 1_000_000
const DAY_SECONDS = 86_400
const MAX_WINDOW_DAYS = 31
const MAX_BUCKETS = 1000
const MAX_TOP_ERRORS = 50
const DEFAULT_TOP_ERRORS = 5
const DEFAULT_WINDOW = DAY_SECONDS * SECOND
/** The default bucket is the first of these (seconds) that gives at most 48 buckets. */
const NICE_BUCKETS = [60, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, DAY_SECONDS]
const DEFAULT_MAX_BUCKETS = 48

// Seven digits are more than either bound needs.
const SEVEN_DIGITS = /^[0-9]{1,7}$/u

const MAX_BUCKET_SECONDS = MAX_WINDOW_DAYS * DAY_SECONDS

/** `GET /pipeline`, in validation order. */
export const PipelineParams = {
  since: param(
    Rfc3339,
    "since must be an RFC 3339 timestamp",
    "RFC 3339; start of the window (inclusive), default 24 h before until",
  ),
  until: param(
    Rfc3339,
    "until must be an RFC 3339 timestamp",
    "RFC 3339; end of the window (exclusive), default now rounded up to a whole 5 minutes (the pre-aggregated grain)",
  ),
  bucket: param(
    integer(1, MAX_BUCKET_SECONDS, SEVEN_DIGITS),
    `bucket must be an integer number of seconds between 1 and ${MAX_BUCKET_SECONDS}`,
    "Seconds per series bucket; default the first of 60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, " +
      `43200, 86400 that gives at most 48 buckets; at most ${MAX_BUCKETS} buckets`,
  ),
  top_errors: param(
    integer(0, MAX_TOP_ERRORS, SEVEN_DIGITS),
    `top_errors must be an integer between 0 and ${MAX_TOP_ERRORS}`,
    `Top error messages per service, 0..${MAX_TOP_ERRORS}, default ${DEFAULT_TOP_ERRORS}`,
  ),
}
type Decoded = Schema.Struct.Type<typeof PipelineParams>

/** The domain query of a decoded query at `now`; the rules relating two parameters live here. */
export const pipelineQuery = (
  q: Decoded,
  now: Micros,
  stalledAfter: Micros,
): Result.Result<AnalyticsQuery, BadRequest> => {
  // On the grain, so the default window (and its buckets) read the pre-aggregated rows (Analytics.ts WINDOW_GRAIN).
  const until = q.until ?? Math.ceil(now / WINDOW_GRAIN) * WINDOW_GRAIN
  const since = q.since ?? until - DEFAULT_WINDOW
  if (since >= until) return Result.fail(BadRequest.of("since must be before until"))
  if (until - since > MAX_WINDOW_DAYS * DAY_SECONDS * SECOND)
    return Result.fail(
      BadRequest.of(`the window from since to until must be at most ${MAX_WINDOW_DAYS} days`),
    )
  const span = until - since
  const bucketSeconds =
    q.bucket ??
    NICE_BUCKETS.find((b) => span / (b * SECOND) <= DEFAULT_MAX_BUCKETS) ??
    NICE_BUCKETS[NICE_BUCKETS.length - 1]!
  if (Math.ceil(span / (bucketSeconds * SECOND)) > MAX_BUCKETS)
    return Result.fail(BadRequest.of(`bucket must give at most ${MAX_BUCKETS} buckets over the window`))
  return Result.succeed({
    since: Micros.make(since),
    until: Micros.make(until),
    bucket: Micros.make(bucketSeconds * SECOND),
    now,
    stalledAfter,
    topErrors: q.top_errors ?? DEFAULT_TOP_ERRORS,
  })
}

const Count = Schema.Int

const SeriesAnswer = Schema.Array(
  Schema.Struct({
    start: Timestamp,
    throughput: Count.annotate({ description: "Stages that started in the bucket" }),
    errors: Count.annotate({ description: "Of those, the failed ones" }),
    p95: omittedWhenUndefined(Seconds),
  }).pipe(Schema.encodeKeys({ p95: "p95_seconds" })),
).annotate({ description: "Every bucket from since, empty ones included" })

/**
 * The answer's Type side is the domain's analytics (Analytics.ts) under its own names; `encodeKeys` gives the
 * wire's names, and the codecs of WireCodecs.ts its seconds and timestamps.
 */
const ServiceAnswer = Schema.Struct({
  service: Schema.String,
  seen: Count.annotate({ description: "Payloads whose first status in this service is in the window" }),
  succeeded: Count,
  failed: Count,
  openNow: Count.annotate({ description: "Of those, the stages still open (no terminal status yet)" }),
  stalledNow: Count.annotate({
    description: "Open stages of payloads that are stalled (no error, last status older than STALLED_AFTER)",
  }),
  errorRate: Schema.Number.annotate({ description: "failed / seen" }),
  duration: omittedWhenUndefined(
    Schema.Struct({ p50: Seconds, p95: Seconds, p99: Seconds }).annotate({
      description:
        "Percentiles (percentile_disc, as its log-spaced histogram bucket's value: within 5 %) of the elapsed time (first received to last terminal status) " +
        "of the finished stages; omitted when none finished",
    }),
  ),
  series: SeriesAnswer,
  topErrors: Schema.Array(
    Schema.Struct({
      status: Schema.String,
      status_msg: Schema.String,
      count: Count.annotate({ description: "Stages whose first error had this status and message" }),
      exampleRequestId: Schema.String,
    }).pipe(Schema.encodeKeys({ exampleRequestId: "example_request_id" })),
  ),
}).pipe(
  Schema.encodeKeys({
    openNow: "open_now",
    stalledNow: "stalled_now",
    errorRate: "error_rate",
    duration: "duration_seconds",
    topErrors: "top_errors",
  }),
)

export const PipelineAnswer = Schema.Struct({
  since: Timestamp,
  until: Timestamp,
  bucket: secondsFrom(Count),
  services: Schema.Array(ServiceAnswer).annotate({
    description: "Services with a stage that started in the window, by name",
  }),
  flow: Schema.Array(
    Schema.Struct({ from: Schema.String, to: Schema.String, count: Count }).annotate({
      description:
        "Payloads whose stage in `to` (started in the window) came right after their stage in `from`",
    }),
  ),
})
  .pipe(
    Schema.encodeKeys({ bucket: "bucket_seconds" }),
    Schema.annotateEncoded({ identifier: "PipelineAnalytics" }),
  )
  .annotate({ identifier: "PipelineAnalytics" })
export type PipelineAnswer = typeof PipelineAnswer.Type

/** The answer to `q`. `error_rate` is computed here: a schema encodes a key from its own value, not from two others. */
export const pipelineAnswer = (q: AnalyticsQuery, a: PipelineAnalytics): PipelineAnswer => ({
  since: q.since,
  until: q.until,
  bucket: q.bucket,
  services: a.services.map((s) => ({ ...s, errorRate: s.seen === 0 ? 0 : s.failed / s.seen })),
  flow: a.flow,
})

const encodeAnswer = Schema.encodeSync(PipelineAnswer)
const encodeSeries = Schema.encodeSync(SeriesAnswer)
const encodedSeries = new WeakMap<object, unknown>()

/**
 * The answer's JSON, as HttpApi would encode it from PipelineAnswer, with each service's series encoded once
 * per series array: the PostgreSQL store answers a window it has kept with the same arrays until its rollup
 * changes (adapters-postgres queries/Analytics.ts), and encoding a day's ≈430 points through the schema was
 * most of the API's work for such an answer (≈5 ms of ≈10). The rest is encoded on every request; the series
 * is put back in its key's place (assigning an existing key keeps the key order).
 */
export const pipelineJson = (answer: PipelineAnswer): string => {
  const wire = encodeAnswer({ ...answer, services: answer.services.map((s) => ({ ...s, series: [] })) })
  answer.services.forEach((s, i) => {
    let series = encodedSeries.get(s.series)
    if (series === undefined) {
      series = encodeSeries(s.series)
      encodedSeries.set(s.series, series)
    }
    ;(wire.services[i] as { series: unknown }).series = series
  })
  return JSON.stringify(wire)
}
