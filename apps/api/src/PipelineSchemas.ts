import type { AnalyticsQuery, PipelineAnalytics } from "@pt/domain/Analytics"
import { formatTimestamp, Micros, parseRfc3339 } from "@pt/domain/Timestamp"
import { Option, Result, Schema, SchemaGetter } from "effect"
import { BadRequest } from "./ApiErrors.ts"

/**
 * `GET /pipeline` (docs/api.md, "Pipeline analytics"): its query parameters, typed and each carrying the 400
 * message that names it (Routing.ts answers the first failing one), and its answer, whose field order is the
 * key order on the wire.
 */

const SECOND = 1_000_000
const DAY_SECONDS = 86_400
export const MAX_WINDOW_DAYS = 31
export const MAX_BUCKETS = 1000
export const MAX_TOP_ERRORS = 50
const DEFAULT_TOP_ERRORS = 5
const DEFAULT_WINDOW = DAY_SECONDS * SECOND
/** The default bucket is the first of these (seconds) that gives at most 48 buckets. */
const NICE_BUCKETS = [60, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, DAY_SECONDS]
const DEFAULT_MAX_BUCKETS = 48

/** `""` or `inner` (as every parameter of this API: "" = left out); any failure answers `message`. */
const param = <S extends Schema.Codec<unknown, string>>(inner: S, message: string, description: string) =>
  Schema.optionalKey(Schema.Union([Schema.Literal(""), inner]).annotate({ description })).pipe(
    Schema.decodeTo(Schema.optionalKey(Schema.toType(inner).annotate({ message })), {
      decode: SchemaGetter.transformOptional((o) => Option.filter(o, (v) => v !== "")),
      encode: SchemaGetter.passthrough(),
    }),
  ) as unknown as Schema.optionalKey<Schema.Codec<S["Type"], string>>

const Rfc3339 = Schema.String.check(
  Schema.makeFilter((s: string) => parseRfc3339(s) !== undefined, {
    expected: "an RFC 3339 timestamp",
    toJsonSchema: () => ({ format: "date-time" }),
  }),
).pipe(
  Schema.decodeTo(Schema.Number, {
    decode: SchemaGetter.transform((s: string) => parseRfc3339(s) ?? Number.NaN),
    encode: SchemaGetter.transform((n: number) => formatTimestamp(Micros.make(n))),
  }),
)

/** A decimal integer in [minimum, maximum] (at most 7 digits, so the pattern keeps it a safe integer). */
const integer = (minimum: number, maximum: number) =>
  Schema.String.check(Schema.isPattern(/^[0-9]{1,7}$/u)).pipe(
    Schema.decodeTo(Schema.Int.check(Schema.isBetween({ minimum, maximum })), {
      decode: SchemaGetter.transform(Number),
      encode: SchemaGetter.transform(String),
    }),
  )

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
    "RFC 3339; end of the window (exclusive), default now",
  ),
  bucket: param(
    integer(1, MAX_BUCKET_SECONDS),
    `bucket must be an integer number of seconds between 1 and ${MAX_BUCKET_SECONDS}`,
    "Seconds per series bucket; default the first of 60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, " +
      `43200, 86400 that gives at most 48 buckets; at most ${MAX_BUCKETS} buckets`,
  ),
  top_errors: param(
    integer(0, MAX_TOP_ERRORS),
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
  const until = q.until ?? now
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

const Seconds = Schema.Number.annotate({ description: "Seconds, microsecond precision" })
const Count = Schema.Int

export const PipelineAnswer = Schema.Struct({
  since: Schema.String,
  until: Schema.String,
  bucket_seconds: Count,
  services: Schema.Array(
    Schema.Struct({
      service: Schema.String,
      seen: Count.annotate({ description: "Payloads whose first status in this service is in the window" }),
      succeeded: Count,
      failed: Count,
      open_now: Count.annotate({ description: "Of those, the stages still open (no terminal status yet)" }),
      stalled_now: Count.annotate({
        description:
          "Open stages of payloads that are stalled (no error, last status older than STALLED_AFTER)",
      }),
      error_rate: Schema.Number.annotate({ description: "failed / seen" }),
      duration_seconds: Schema.optionalKey(
        Schema.Struct({ p50: Seconds, p95: Seconds, p99: Seconds }).annotate({
          description:
            "Exact percentiles (percentile_disc) of the elapsed time (first received to last terminal status) " +
            "of the finished stages; omitted when none finished",
        }),
      ),
      series: Schema.Array(
        Schema.Struct({
          start: Schema.String,
          throughput: Count.annotate({ description: "Stages that started in the bucket" }),
          errors: Count.annotate({ description: "Of those, the failed ones" }),
          p95_seconds: Schema.optionalKey(Seconds),
        }),
      ).annotate({ description: "Every bucket from since, empty ones included" }),
      top_errors: Schema.Array(
        Schema.Struct({
          status: Schema.String,
          status_msg: Schema.String,
          count: Count.annotate({ description: "Stages whose first error had this status and message" }),
          example_request_id: Schema.String,
        }),
      ),
    }),
  ).annotate({ description: "Services with a stage that started in the window, by name" }),
  flow: Schema.Array(
    Schema.Struct({ from: Schema.String, to: Schema.String, count: Count }).annotate({
      description:
        "Payloads whose stage in `to` (started in the window) came right after their stage in `from`",
    }),
  ),
}).annotate({ identifier: "PipelineAnalytics" })
export type PipelineAnswer = typeof PipelineAnswer.Type

const seconds = (micros: number) => micros / SECOND

export const pipelineView = (q: AnalyticsQuery, a: PipelineAnalytics): PipelineAnswer => ({
  since: formatTimestamp(q.since),
  until: formatTimestamp(q.until),
  bucket_seconds: q.bucket / SECOND,
  services: a.services.map((s) => ({
    service: s.service,
    seen: s.seen,
    succeeded: s.succeeded,
    failed: s.failed,
    open_now: s.openNow,
    stalled_now: s.stalledNow,
    error_rate: s.seen === 0 ? 0 : s.failed / s.seen,
    ...(s.duration === undefined
      ? {}
      : {
          duration_seconds: {
            p50: seconds(s.duration.p50),
            p95: seconds(s.duration.p95),
            p99: seconds(s.duration.p99),
          },
        }),
    series: s.series.map((p) => ({
      start: formatTimestamp(p.start),
      throughput: p.throughput,
      errors: p.errors,
      ...(p.p95 === undefined ? {} : { p95_seconds: seconds(p.p95) }),
    })),
    top_errors: s.topErrors.map((e) => ({
      status: e.status,
      status_msg: e.status_msg,
      count: e.count,
      example_request_id: e.exampleRequestId,
    })),
  })),
  flow: a.flow.map((e) => ({ from: e.from, to: e.to, count: e.count })),
})
