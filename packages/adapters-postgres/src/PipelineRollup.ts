/**
 * The pipeline rollup (docs/postgres.md, "The pipeline rollup"): `GET /pipeline` pre-aggregated per service and
 * 5-minute cell of the stages' first status (`payload_services.first_date`), so a day's analytics read ≈2.6k
 * cell rows instead of ≈730k summary rows.
 *
 * - `pipeline_cells` (cell, service): seen, succeeded, failed, the open stages of error-free payloads, and the
 *   finished stages' duration histogram (Analytics.ts DURATION_BOUNDS): its non-empty buckets in order, each
 *   as a big-endian int2 bucket and int4 count (bytea: a day's ≈55k buckets are sent as bytes, where arrays'
 *   text output cost ≈150 ms).
 * - `pipeline_cell_errors` (cell, service, first error status and message): count and least request_id.
 * - `pipeline_cell_flow` (cell, from, to): edges into the cell's stages from the payload's previous stage.
 * - `pipeline_cell_open` (cell, service, payload's last status date): the open stages of error-free payloads,
 *   so `stalled_now` (last status before now − STALLED_AFTER) is exact at read time: the open ones minus those
 *   whose payload's last status is recent (an index range on `last_date`).
 *
 * It is derived data, refreshed rather than maintained by the write path (which stays as cheap as it is): a
 * refresh recomputes, from the summary tables, every cell holding a stage of a payload that has a status dated
 * in the last `lookback` (a cell is recomputed whole, so a refresh is idempotent and repeats are harmless).
 * Staleness: a cell reflects the summaries as of its last refresh (the consumer runs one every
 * PIPELINE_ROLLUP_INTERVAL_MS); a status dated more than `lookback` before it is stored is not seen by the
 * periodic refresh (run `refreshPipelineRollup` with an older `since` to catch up).
 */
import { DURATION_BOUNDS, WINDOW_GRAIN } from "@pt/domain/Analytics"
import type { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import { formatTimestamp, type Micros } from "@pt/domain/Timestamp"
import { Context, Effect, Schema } from "effect"
import { isOpen } from "./queries/SummarySql.ts"
import { decodeRows } from "./Rows.ts"
import { type Queryable, type SqlClient, type SqlError, withTransaction } from "./SqlClient.ts"
import { micros } from "./SqlFragments.ts"
import { orUnavailable } from "./StoreErrors.ts"
import { MAINTENANCE_TIMEOUT } from "./StoreMaintenance.ts"

/** Width of a rollup cell: the domain's WINDOW_GRAIN (windows and series buckets in whole cells read it). */
const CELL = `interval '${WINDOW_GRAIN / 1_000_000} seconds'`
export const cellOf = (column: string): string => `date_bin(${CELL}, ${column}, timestamptz 'epoch')`

/** Advisory lock of a refresh (beside 7_260_001..3): one instance refreshes at a time, the others skip. */
export const ROLLUP_LOCK = 7_260_004

// Bucket i of Analytics.ts durationBucket: width_bucket counts the bounds ≤ v (1-based).
const BOUNDS = `'{${DURATION_BOUNDS.join(",")}}'::float8[]`
const durationBucket = (v: string) => `greatest(width_bucket(${v}, ${BOUNDS}) - 1, 0)`

/**
 * The stages of the payloads `payloads` selects (a relation with a `payload_id` column, or null for every
 * payload), with what the rollup needs: cell, state, elapsed, error-freeness of the payload, its last status
 * date, and the previous stage (by first status date, then name: Analytics.ts FlowEdge).
 */
const stagesOf = (payloads: string | null) => `
  select s.payload_id, s.service_id, ${cellOf("s.first_date")} as cell, s.saw_error as failed,
    ${isOpen("s")} as open, not coalesce(ps.any_error, false) as clean, ps.last_date as payload_last,
    case when not ${isOpen("s")}
      then ${durationBucket(`greatest(0, ${micros("s.last_terminal")} - ${micros("coalesce(s.first_received, s.first_date)")})`)}
    end as bucket,
    coalesce(s.first_error_status, '') as error_status, coalesce(s.first_error_msg, '') as error_msg,
    lag(s.service_id) over (partition by s.payload_id order by s.first_date, n.name) as prev
  from payload_services s join services n on n.id = s.service_id
  left join payload_summaries ps on ps.payload_id = s.payload_id
  ${payloads === null ? "" : `where s.payload_id in (select payload_id from ${payloads})`}`

/** The four rollup tables' rows of the stages in `pipeline_stages` (a temporary table of stagesOf). */
const INSERTS = [
  `insert into pipeline_cells (cell, service_id, seen, succeeded, failed, open_clean, histogram)
   select t.cell, t.service_id, t.seen, t.succeeded, t.failed, t.open_clean, coalesce(h.histogram, ''::bytea)
   from (select cell, service_id, count(*)::int as seen,
           count(*) filter (where not open and not failed)::int as succeeded,
           count(*) filter (where failed)::int as failed,
           count(*) filter (where open and clean)::int as open_clean
         from pipeline_stages group by cell, service_id) t
   left join (select cell, service_id,
                string_agg(int2send(bucket::int2) || int4send(n), ''::bytea order by bucket) as histogram
              from (select cell, service_id, bucket, count(*)::int as n from pipeline_stages
                    where bucket is not null group by 1, 2, 3) b
              group by cell, service_id) h using (cell, service_id)`,
  `insert into pipeline_cell_errors (cell, service_id, status, status_msg, count, example)
   select w.cell, w.service_id, w.error_status, w.error_msg, count(*)::int, min(p.request_id)
   from pipeline_stages w join payloads p on p.id = w.payload_id
   where w.failed group by 1, 2, 3, 4`,
  `insert into pipeline_cell_flow (cell, from_id, to_id, count)
   select cell, prev, service_id, count(*)::int from pipeline_stages where prev is not null group by 1, 2, 3`,
  `insert into pipeline_cell_open (cell, service_id, last_date, count)
   select cell, service_id, payload_last, count(*)::int from pipeline_stages
   where open and clean and payload_last is not null group by 1, 2, 3`,
]
const TABLES = ["pipeline_cells", "pipeline_cell_errors", "pipeline_cell_flow", "pipeline_cell_open"]

/** Every cell from every stored summary, into the empty rollup tables: one pass over the summaries. */
const buildAll: ReadonlyArray<string> = [
  `create temporary table pipeline_stages on commit drop as ${stagesOf(null)}`,
  ...INSERTS,
  "drop table pipeline_stages",
]

/** The migration's statements: the tables and their first build from every stored summary. */
export const CREATE_ROLLUP: ReadonlyArray<string> = [
  `create table pipeline_cells (cell timestamptz not null, service_id integer not null, seen integer not null,
    succeeded integer not null, failed integer not null, open_clean integer not null,
    histogram bytea not null, primary key (cell, service_id))`,
  `create table pipeline_cell_errors (cell timestamptz not null, service_id integer not null,
    status text collate "C" not null, status_msg text collate "C" not null, count integer not null,
    example text collate "C" not null, primary key (cell, service_id, status, status_msg))`,
  `create table pipeline_cell_flow (cell timestamptz not null, from_id integer not null, to_id integer not null,
    count integer not null, primary key (cell, from_id, to_id))`,
  `create table pipeline_cell_open (cell timestamptz not null, service_id integer not null,
    last_date timestamptz not null, count integer not null, primary key (cell, service_id, last_date))`,
  `create index pipeline_cell_open_recent on pipeline_cell_open (last_date) include (cell, service_id, count)`,
  ...buildAll,
]

export const DROP_ROLLUP: ReadonlyArray<string> = TABLES.map((t) => `drop table if exists ${t}`)

/**
 * The rollup's version (Migration20261202150000PipelineRollupVersion): one row, bumped in every transaction
 * that changes the cells (a refresh that recomputed some, a rebuild), so a reader that saw version v may keep
 * what it read of the cells while the version is still v (queries/Analytics.ts caches the latest windows so).
 */
export const CREATE_ROLLUP_VERSION: ReadonlyArray<string> = [
  `create table pipeline_rollup_version (one boolean primary key default true check (one),
    version bigint not null)`,
  "insert into pipeline_rollup_version (version) values (1)",
]
export const DROP_ROLLUP_VERSION: ReadonlyArray<string> = ["drop table if exists pipeline_rollup_version"]
const BUMP_VERSION = "update pipeline_rollup_version set version = version + 1"

const Touched = Schema.Struct({ cells: Schema.NullOr(Schema.Array(Schema.String)) })

/** The cells (RFC 3339 text) holding a stage of a payload with a status dated at or after `since`. */
const TOUCHED = `select array_agg(distinct ${cellOf("s.first_date")})::text[] as cells
  from payload_services s
  where s.payload_id in (select payload_id from payload_statuses where date >= $1::timestamptz)`

export interface RefreshReport {
  /** Cells recomputed; 0 when nothing changed, or when another instance was refreshing (skipped). */
  readonly cells: number
  readonly skipped: boolean
}

/** Recomputes the given cells in `tx`: every stage whose first status falls in one of them. */
const recompute = (tx: Queryable, cells: ReadonlyArray<string>) =>
  Effect.gen(function* () {
    // The payloads with a status dated in the cells: every stage of the cells is one of theirs (its first
    // status is one of those statuses), and their other stages give the previous stage of each.
    yield* tx.query(
      `create temporary table pipeline_payloads on commit drop as
       select distinct st.payload_id from unnest($1::timestamptz[]) c(cell)
       join payload_statuses st on st.date >= c.cell and st.date < c.cell + ${CELL}`,
      [cells],
    )
    yield* tx.query(
      `create temporary table pipeline_stages on commit drop as
       select * from (${stagesOf("pipeline_payloads")}) x where x.cell = any($1::timestamptz[])`,
      [cells],
    )
    for (const table of TABLES)
      yield* tx.query(`delete from ${table} where cell = any($1::timestamptz[])`, [cells])
    for (const insert of INSERTS) yield* tx.query(insert)
    yield* tx.query(BUMP_VERSION)
  })

/**
 * Refreshes the cells of every payload with a status dated at or after `since` (the consumer passes now −
 * lookback). One transaction: readers see a cell's old rows or its new ones. Concurrent refreshes (several
 * consumers) take turns by a transaction-level advisory try-lock: the one that does not get it skips, since
 * the holder is recomputing the same recent cells.
 */
export const refreshPipelineRollup = (
  sql: SqlClient["Service"],
  since: Micros,
): Effect.Effect<RefreshReport, SqlError> =>
  withTransaction(
    sql,
    (tx) =>
      Effect.gen(function* () {
        if (sql.dialect === "postgres") {
          const got = yield* tx.query<{ got: boolean }>("select pg_try_advisory_xact_lock($1) as got", [
            ROLLUP_LOCK,
          ])
          if (got.rows[0]?.got !== true) return { cells: 0, skipped: true }
        }
        const [touched] = yield* tx
          .query(TOUCHED, [formatTimestamp(since)])
          .pipe(Effect.flatMap(decodeRows(Touched)))
        const cells = touched?.cells ?? []
        if (cells.length > 0) yield* recompute(tx, cells)
        return { cells: cells.length, skipped: false }
      }),
    // Not the user reads' statement timeout: a refresh after a long pause recomputes many cells.
    { statementTimeout: MAINTENANCE_TIMEOUT },
  )

/**
 * The whole rollup recomputed from the summaries in one transaction, as the migration builds it: for data
 * written around the write path (load:data's COPY), where a refresh over every cell would look each cell's
 * payloads up in the statuses one cell at a time.
 */
export const rebuildPipelineRollup = (sql: SqlClient["Service"]): Effect.Effect<void, SqlError> =>
  withTransaction(
    sql,
    (tx) =>
      Effect.forEach(
        [`truncate ${TABLES.join(", ")}`, ...buildAll, BUMP_VERSION],
        (statement) => tx.query(statement),
        { discard: true },
      ),
    { statementTimeout: MAINTENANCE_TIMEOUT },
  )

/** The rollup's refresh as a service of the PostgreSQL store (the consumer schedules it). */
export class PipelineRollup extends Context.Service<
  PipelineRollup,
  { readonly refresh: (since: Micros) => Effect.Effect<RefreshReport, StoreUnavailable> }
>()("@pt/adapters-postgres/PipelineRollup") {}

export const makePipelineRollup = (sql: SqlClient["Service"]): PipelineRollup["Service"] => ({
  refresh: (since) => refreshPipelineRollup(sql, since).pipe(orUnavailable("refreshing the pipeline rollup")),
})
