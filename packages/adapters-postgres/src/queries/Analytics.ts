import { Buffer } from "node:buffer"
import type {
  AnalyticsQuery,
  FlowEdge,
  Percentiles,
  PipelineAnalytics,
  SeriesPoint,
  ServiceAnalytics,
} from "@pt/domain/Analytics"
import {
  approximate,
  bucketStarts,
  DURATION_BOUNDS,
  histogramPercentiles,
  isGrainAligned,
} from "@pt/domain/Analytics"
import { compareText } from "@pt/domain/Summary"
import { formatTimestamp, Micros } from "@pt/domain/Timestamp"
import { Effect, Schema } from "effect"
import { decodeRows } from "../Rows.ts"
import type { SqlClient, SqlError } from "../SqlClient.ts"
import { micros, timestampFromMicros } from "../SqlFragments.ts"

/**
 * Pipeline analytics (packages/domain/src/Analytics.ts) over the summary table `payload_services`
 * (Migration20261201000000PayloadSummary), with the memory store's semantics (AnalyticsSuite proves it).
 *
 * One statement: the window's stages are read once (`w`, materialized) and aggregated four ways. State and
 * elapsed follow Summary.ts `serviceState`/`serviceElapsed`: error when an error was seen; open without a
 * terminal status or with a `received` after the last one; elapsed from the first `received` (else the first
 * status) to the last terminal status. Percentiles: `percentile_disc` over the finished stages, reported as
 * its histogram bucket's value (Analytics.ts `approximate`), as the memory store and the rollup do.
 * `payload_services` has no index on `first_date` (the write path keeps its updates HOT), so the window is a
 * scan of the table: this is the path of windows that are not in whole rollup cells (PipelineRollup.ts);
 * the others read the rollup (ROLLUP below).
 */
const OPEN = `(not s.saw_error and (s.last_terminal is null or coalesce(s.last_received > s.last_terminal, false)))`

export const ANALYTICS = `with w as materialized (
  select s.payload_id, s.service_id, n.name, s.first_date, s.saw_error as failed, ${OPEN} as open,
    floor((${micros("s.first_date")} - $3::float8) / $4::float8)::int as bucket,
    case when not ${OPEN}
      then greatest(0, ${micros("s.last_terminal")} - ${micros("coalesce(s.first_received, s.first_date)")}) end
      as elapsed,
    coalesce(${OPEN} and not ps.any_error and ps.last_date < ${timestampFromMicros("$5::bigint")}, false)
      as stalled,
    s.first_error_status, s.first_error_msg,
    lag(s.service_id) over (partition by s.payload_id order by s.first_date, n.name) as prev
  from payload_services s join services n on n.id = s.service_id
    -- A join, not a subquery per open row: the planner picks a hash join for a day, index probes for an hour.
    left join payload_summaries ps on ps.payload_id = s.payload_id
  where s.first_date >= $1::timestamptz and s.first_date < $2::timestamptz
),
totals as (
  select service_id, count(*)::float8 as seen,
    count(*) filter (where not open and not failed)::float8 as succeeded,
    count(*) filter (where failed)::float8 as failed,
    count(*) filter (where open)::float8 as open_now,
    count(*) filter (where stalled)::float8 as stalled_now,
    percentile_disc(array[0.5, 0.95, 0.99]) within group (order by elapsed) as duration
  from w group by service_id
),
series as (
  select service_id, bucket, count(*)::float8 as throughput, count(*) filter (where failed)::float8 as errors,
    percentile_disc(0.95) within group (order by elapsed) as p95
  from w group by service_id, bucket
),
errors as (
  select service_id, status, status_msg, count, example from (
    select service_id, status, status_msg, count, example,
      row_number() over (partition by service_id order by count desc, status, status_msg) as rank
    from (select w.service_id, coalesce(w.first_error_status, '') as status,
            coalesce(w.first_error_msg, '') as status_msg, count(*)::float8 as count, min(p.request_id) as example
          from w join payloads p on p.id = w.payload_id
          where w.failed group by 1, 2, 3) e) r
  where rank <= $6::int
),
edges as (
  -- The predecessor inside the window is the lag over the window's rows (a stage before the window sorts before
  -- them all); a payload's first stage in the window looks its predecessor up before since by primary key.
  select coalesce(w.prev, before.service_id) as from_id, w.service_id as to_id, count(*)::float8 as count
  from w left join lateral (
    select o.service_id from payload_services o join services m on m.id = o.service_id
    where w.prev is null and o.payload_id = w.payload_id and o.first_date < $1::timestamptz
    order by o.first_date desc, m.name desc limit 1) before on true
  where coalesce(w.prev, before.service_id) is not null
  group by 1, 2
)
select
  (select json_agg(json_build_object('service', n.name, 'seen', t.seen, 'succeeded', t.succeeded,
     'failed', t.failed, 'open_now', t.open_now, 'stalled_now', t.stalled_now, 'duration', t.duration))
   from totals t join services n on n.id = t.service_id) as services,
  (select json_agg(json_build_object('service', n.name, 'bucket', x.bucket, 'throughput', x.throughput,
     'errors', x.errors, 'p95', x.p95))
   from series x join services n on n.id = x.service_id) as series,
  (select json_agg(json_build_object('service', n.name, 'status', e.status, 'status_msg', e.status_msg,
     'count', e.count, 'example', e.example))
   from errors e join services n on n.id = e.service_id) as errors,
  (select json_agg(json_build_object('from', a.name, 'to', b.name, 'count', f.count))
   from edges f join services a on a.id = f.from_id join services b on b.id = f.to_id) as flow`

const Rows = <S extends Schema.Top>(row: S) => Schema.NullOr(Schema.Array(row))
const AnalyticsRow = Schema.Struct({
  services: Rows(
    Schema.Struct({
      service: Schema.String,
      seen: Schema.Number,
      succeeded: Schema.Number,
      failed: Schema.Number,
      open_now: Schema.Number,
      stalled_now: Schema.Number,
      duration: Schema.NullOr(Schema.Tuple([Micros, Micros, Micros])),
    }),
  ),
  series: Rows(
    Schema.Struct({
      service: Schema.String,
      bucket: Schema.Number,
      throughput: Schema.Number,
      errors: Schema.Number,
      p95: Schema.NullOr(Micros),
    }),
  ),
  errors: Rows(
    Schema.Struct({
      service: Schema.String,
      status: Schema.String,
      status_msg: Schema.String,
      count: Schema.Number,
      example: Schema.String,
    }),
  ),
  flow: Rows(Schema.Struct({ from: Schema.String, to: Schema.String, count: Schema.Number })),
})

// Code point order, like the memory store and the "C" collation of the names.
const byText = compareText

type ErrorRows = (typeof AnalyticsRow.Type)["errors"]
type FlowRows = (typeof AnalyticsRow.Type)["flow"]

/** A service's top errors, most frequent first (ties by status, then message), from either path's error rows. */
const topErrorsOf = (errors: ErrorRows | undefined, service: string) =>
  (errors ?? [])
    .filter((e) => e.service === service)
    .sort((a, b) => b.count - a.count || byText(a.status, b.status) || byText(a.status_msg, b.status_msg))
    .map((e) => ({ status: e.status, status_msg: e.status_msg, count: e.count, exampleRequestId: e.example }))

/** The flow edges, busiest first (ties by from, then to). */
const flowOf = (flow: FlowRows | undefined) =>
  [...(flow ?? [])].sort((a, b) => b.count - a.count || byText(a.from, b.from) || byText(a.to, b.to))

/** The bind parameters of ANALYTICS (also for scripts/explain-queries.ts-style EXPLAIN runs). */
export const analyticsParams = (q: AnalyticsQuery): ReadonlyArray<unknown> => [
  // Bounds as RFC 3339 text: constants the planner can use; the rest as exact float8 microseconds.
  formatTimestamp(q.since),
  formatTimestamp(q.until),
  q.since,
  q.bucket,
  q.now - q.stalledAfter,
  q.topErrors,
]

/** From the rollup when the window is in whole cells, else from the summaries. */
export const pipelineAnalytics = (sql: SqlClient["Service"]) => {
  const fromRollup = rollupPath(sql)
  return (q: AnalyticsQuery): Effect.Effect<PipelineAnalytics, SqlError> =>
    isGrainAligned(q) ? fromRollup(q) : fromSummaries(sql, q)
}

const fromSummaries = (
  sql: SqlClient["Service"],
  q: AnalyticsQuery,
): Effect.Effect<PipelineAnalytics, SqlError> =>
  sql.query(ANALYTICS, analyticsParams(q)).pipe(
    Effect.flatMap(decodeRows(AnalyticsRow)),
    Effect.map(([row]): PipelineAnalytics => {
      const starts = bucketStarts(q)
      const series = new Map<string, Array<SeriesPoint>>()
      for (const x of row?.series ?? []) {
        let points = series.get(x.service)
        if (points === undefined) {
          points = starts.map((start) => ({ start, throughput: 0, errors: 0 }))
          series.set(x.service, points)
        }
        points[x.bucket] = {
          start: starts[x.bucket]!,
          throughput: x.throughput,
          errors: x.errors,
          ...(x.p95 === null ? {} : { p95: approximate(x.p95) }),
        }
      }
      const services = [...(row?.services ?? [])]
        .sort((a, b) => byText(a.service, b.service))
        .map(
          (t): ServiceAnalytics => ({
            service: t.service,
            seen: t.seen,
            succeeded: t.succeeded,
            failed: t.failed,
            openNow: t.open_now,
            stalledNow: t.stalled_now,
            ...(t.duration === null
              ? {}
              : {
                  duration: {
                    p50: approximate(t.duration[0]),
                    p95: approximate(t.duration[1]),
                    p99: approximate(t.duration[2]),
                  },
                }),
            series: series.get(t.service) ?? [],
            topErrors: topErrorsOf(row?.errors, t.service),
          }),
        )
      return { services, flow: flowOf(row?.flow) }
    }),
  )

/**
 * The window's rollup rows (PipelineRollup.ts), in two statements run side by side: the cells, as plain rows
 * with their histograms as bytes (merged per service and series bucket here); and, as JSON, the open stages
 * of error-free payloads whose last status is recent (taken from the cells' `open_clean`, what is left is
 * `stalled_now`), the top errors and the flow edges. Both carry the rollup's version (PipelineRollup.ts
 * ROLLUP_VERSION), read in their own snapshot.
 */
const VERSION = "(select version from pipeline_rollup_version)::float8 as version"

export const ROLLUP_CELLS = `select n.name as service, c.k, c.seen, c.succeeded, c.failed, c.open_clean, c.histogram,
  ${VERSION}
from (select service_id,
        -- date_part is float8 (extract is numeric, slower): exact here, a cell's epoch is whole seconds.
        floor((date_part('epoch', cell) * 1000000 - $3::float8) / $4::float8)::int as k,
        sum(seen)::float8 as seen, sum(succeeded)::float8 as succeeded, sum(failed)::float8 as failed,
        sum(open_clean)::float8 as open_clean,
        -- The cells' histograms end to end (merged here), as base64 text: the driver's bytea parsing is a JS loop.
        encode(string_agg(histogram, ''::bytea), 'base64') as histogram
      from pipeline_cells where cell >= $1::timestamptz and cell < $2::timestamptz
      -- By id, names joined to the ≈400 groups: grouping 2.6k cells by name sorted them (≈40% of the statement).
      group by 1, 2) c
join services n on n.id = c.service_id`

const RECENT = `(select json_agg(json_build_array(n.name, r.recent))
   from (select service_id, sum(count)::float8 as recent from pipeline_cell_open
         where last_date >= ${timestampFromMicros("$3::bigint")} and cell >= $1::timestamptz and cell < $2::timestamptz
         group by service_id) r join services n on n.id = r.service_id) as recent`

/** The version and the recent open stages alone: all a cached answer of that version needs (fromRollup). */
export const ROLLUP_RECENT = `select ${VERSION}, ${RECENT}`

export const ROLLUP_REST = `select ${VERSION}, ${RECENT},
  (select json_agg(json_build_object('service', n.name, 'status', e.status, 'status_msg', e.status_msg,
     'count', e.count, 'example', e.example))
   from (select service_id, status, status_msg, sum(count)::float8 as count, min(example) as example,
           row_number() over (partition by service_id order by sum(count) desc, status, status_msg) as rank
         from pipeline_cell_errors where cell >= $1::timestamptz and cell < $2::timestamptz
         group by service_id, status, status_msg) e
   join services n on n.id = e.service_id where e.rank <= $4::int) as errors,
  (select json_agg(json_build_object('from', a.name, 'to', b.name, 'count', f.count))
   from (select from_id, to_id, sum(count)::float8 as count from pipeline_cell_flow
         where cell >= $1::timestamptz and cell < $2::timestamptz group by from_id, to_id) f
   join services a on a.id = f.from_id join services b on b.id = f.to_id) as flow`

const CellRow = Schema.Struct({
  service: Schema.String,
  k: Schema.Number,
  seen: Schema.Number,
  succeeded: Schema.Number,
  failed: Schema.Number,
  open_clean: Schema.Number,
  histogram: Schema.String,
  version: Schema.Number,
})
const RecentRow = Schema.Struct({
  version: Schema.Number,
  recent: Rows(Schema.Tuple([Schema.String, Schema.Number])),
})
const RestRow = Schema.Struct({
  ...RecentRow.fields,
  errors: AnalyticsRow.fields.errors,
  flow: AnalyticsRow.fields.flow,
})

/** Buckets of a duration histogram (Analytics.ts DURATION_BOUNDS): the width of one dense histogram row. */
const HISTOGRAM_WIDTH = DURATION_BOUNDS.length

/**
 * A service's cells summed per series bucket. The histograms are dense (a count per histogram bucket, row k
 * at [k·HISTOGRAM_WIDTH, (k+1)·HISTOGRAM_WIDTH) of one array), with each row's range of non-empty buckets
 * ([lo, hi)): a day's ≈55k stored entries are added by index and only the used part of a row is read back,
 * where a Map per series bucket (and another for the service's total) cost ≈8 ms of the API's CPU.
 */
interface Tally {
  seen: number
  succeeded: number
  failed: number
  openClean: number
  readonly throughput: Float64Array
  readonly errors: Float64Array
  readonly histograms: Float64Array
  readonly lo: Int32Array
  readonly hi: Int32Array
}

const tallyOf = (buckets: number): Tally => ({
  seen: 0,
  succeeded: 0,
  failed: 0,
  openClean: 0,
  throughput: new Float64Array(buckets),
  errors: new Float64Array(buckets),
  histograms: new Float64Array(buckets * HISTOGRAM_WIDTH),
  lo: new Int32Array(buckets).fill(HISTOGRAM_WIDTH),
  hi: new Int32Array(buckets),
})

/** Adds stored histograms (6-byte entries: int2 bucket, int4 count, big-endian; base64) to row `k` of `t`. */
const addHistogram = (t: Tally, k: number, base64: string) => {
  const bytes = Buffer.from(base64, "base64")
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const from = k * HISTOGRAM_WIDTH
  let lo = t.lo[k]!
  let hi = t.hi[k]!
  for (let at = 0; at + 6 <= bytes.byteLength; at += 6) {
    const bucket = view.getInt16(at)
    t.histograms[from + bucket]! += view.getInt32(at + 2)
    if (bucket < lo) lo = bucket
    if (bucket >= hi) hi = bucket + 1
  }
  t.lo[k] = lo
  t.hi[k] = hi
}

/** The domain's histogram percentiles of the non-empty buckets in [lo, hi) of a dense row. */
const percentilesOf = (
  counts: Float64Array,
  from: number,
  lo: number,
  hi: number,
): Percentiles | undefined => {
  const nonEmpty = new Map<number, number>()
  for (let b = lo; b < hi; b++) {
    const n = counts[from + b]!
    if (n > 0) nonEmpty.set(b, n)
  }
  return histogramPercentiles(nonEmpty)
}

/** The percentiles of the service's whole window: its series rows summed. */
const totalPercentiles = (t: Tally): Percentiles | undefined => {
  const total = new Float64Array(HISTOGRAM_WIDTH)
  let [lo, hi] = [HISTOGRAM_WIDTH, 0]
  for (let k = 0; k < t.lo.length; k++) {
    const from = k * HISTOGRAM_WIDTH
    for (let b = t.lo[k]!; b < t.hi[k]!; b++) total[b]! += t.histograms[from + b]!
    lo = Math.min(lo, t.lo[k]!)
    hi = Math.max(hi, t.hi[k]!)
  }
  return percentilesOf(total, 0, lo, hi)
}

/**
 * What a window's answer is at one version of the rollup, but for `stalled_now` (it depends on now: the open
 * stages' payloads whose last status is recent are read on every request).
 */
interface RollupAnswer {
  readonly version: number
  readonly services: ReadonlyArray<{ readonly service: ServiceAnalytics; readonly openClean: number }>
  readonly flow: ReadonlyArray<FlowEdge>
}

/** Windows (and top_errors) answered lately, the newest last; a dashboard's default window is one of them. */
const CACHED_WINDOWS = 8

/**
 * The rollup path, keeping the latest windows' answers by the rollup's version: the cells change only in a
 * transaction that bumps it (a refresh, every PIPELINE_ROLLUP_INTERVAL), so while the version read with the
 * recent open stages is the cached one, the cells would read the same and only `stalled_now` is computed (one
 * small statement instead of the ≈2.6k cells of a day and their histograms). A different version, or a window
 * not kept, reads everything; an answer is kept when both statements saw the same version.
 */
const rollupPath = (sql: SqlClient["Service"]) => {
  const cached = new Map<string, RollupAnswer>()
  const keep = (key: string, answer: RollupAnswer) => {
    cached.delete(key)
    cached.set(key, answer)
    if (cached.size > CACHED_WINDOWS) cached.delete(cached.keys().next().value!)
  }
  return (q: AnalyticsQuery): Effect.Effect<PipelineAnalytics, SqlError> =>
    Effect.gen(function* () {
      const [since, until] = [formatTimestamp(q.since), formatTimestamp(q.until)]
      const stalledBefore = q.now - q.stalledAfter
      const key = `${q.since}/${q.until}/${q.bucket}/${q.topErrors}`
      const known = cached.get(key)
      if (known !== undefined) {
        const [now] = yield* sql
          .query(ROLLUP_RECENT, [since, until, stalledBefore])
          .pipe(Effect.flatMap(decodeRows(RecentRow)))
        if (now !== undefined && now.version === known.version) return answerAt(known, now.recent)
      }
      const { cells, rest } = yield* Effect.all(
        {
          cells: Effect.flatMap(
            sql.query(ROLLUP_CELLS, [since, until, q.since, q.bucket]),
            decodeRows(CellRow),
          ),
          rest: Effect.flatMap(
            sql.query(ROLLUP_REST, [since, until, stalledBefore, q.topErrors]),
            decodeRows(RestRow),
          ),
        },
        { concurrency: 2 },
      )
      const [row] = rest
      const answer = rollupAnswer(q, cells, row)
      if (row !== undefined && cells.length > 0 && cells.every((c) => c.version === row.version))
        keep(key, answer)
      else cached.delete(key)
      return answerAt(answer, row?.recent ?? null)
    })
}

/** The answer at now: `stalled_now` from the cells' open stages of error-free payloads less the recent ones. */
const answerAt = (
  a: RollupAnswer,
  recentRows: ReadonlyArray<readonly [string, number]> | null,
): PipelineAnalytics => {
  const recent = new Map(recentRows ?? [])
  return {
    services: a.services.map(({ service: s, openClean }) => ({
      service: s.service,
      seen: s.seen,
      succeeded: s.succeeded,
      failed: s.failed,
      openNow: s.openNow,
      stalledNow: openClean - (recent.get(s.service) ?? 0),
      ...(s.duration === undefined ? {} : { duration: s.duration }),
      series: s.series,
      topErrors: s.topErrors,
    })),
    flow: a.flow,
  }
}

const rollupAnswer = (
  q: AnalyticsQuery,
  cells: ReadonlyArray<typeof CellRow.Type>,
  row: typeof RestRow.Type | undefined,
): RollupAnswer => {
  const starts = bucketStarts(q)
  const tallies = new Map<string, Tally>()
  for (const c of cells) {
    let t = tallies.get(c.service)
    if (t === undefined) {
      t = tallyOf(starts.length)
      tallies.set(c.service, t)
    }
    t.seen += c.seen
    t.succeeded += c.succeeded
    t.failed += c.failed
    t.openClean += c.open_clean
    t.throughput[c.k]! += c.seen
    t.errors[c.k]! += c.failed
    addHistogram(t, c.k, c.histogram)
  }
  const services = [...tallies]
    .sort(([a], [b]) => byText(a, b))
    .map(([service, t]) => {
      const duration = totalPercentiles(t)
      return {
        openClean: t.openClean,
        service: {
          service,
          seen: t.seen,
          succeeded: t.succeeded,
          failed: t.failed,
          openNow: t.seen - t.succeeded - t.failed,
          // Set by answerAt.
          stalledNow: 0,
          ...(duration === undefined ? {} : { duration }),
          series: starts.map((start, k): SeriesPoint => {
            const p = percentilesOf(t.histograms, k * HISTOGRAM_WIDTH, t.lo[k]!, t.hi[k]!)
            return {
              start,
              throughput: t.throughput[k]!,
              errors: t.errors[k]!,
              ...(p === undefined ? {} : { p95: p.p95 }),
            }
          }),
          topErrors: topErrorsOf(row?.errors, service),
        } satisfies ServiceAnalytics,
      }
    })
  return { version: row?.version ?? Number.NaN, services, flow: flowOf(row?.flow) }
}
