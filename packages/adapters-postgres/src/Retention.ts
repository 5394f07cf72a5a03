import { Effect, Schema } from "effect"
import { listPartitions, partitionName } from "./Partitions.ts"
import { PAYLOAD_CLEANUP_LOCK } from "./PostgresPayloadStore.ts"
import { rebuildPackedSummaries } from "./queries/SummarySql.ts"
import { decodeCount, decodeRows } from "./Rows.ts"
import { type Queryable, type SqlClient, type SqlError, withTransaction } from "./SqlClient.ts"

const DAY_MS = 86_400_000
// Emptied payloads are deleted in chunks so writers (which wait on the cleanup lock) pause only briefly.
const PAYLOAD_CHUNK = 5_000

const IdRow = Schema.Struct({ id: Schema.Number })

/**
 * The payloads whose summary still counts removed statuses: its earliest date is before `keepFrom`. Only
 * payloads created before `keepFrom` can have one (created_at is their earliest status), which bounds the search.
 */
const STALE_SUMMARIES = `select p.id::float8 as id from payloads p
  where p.created_at < $1::timestamptz
    and exists (select 1 from payload_services s where s.payload_id = p.id and s.first_date < $1::timestamptz)
  limit ${PAYLOAD_CHUNK}`

export interface RetentionReport {
  /** Statuses older than this (ms) were removed: the start of the UTC day `retentionDays` before today. */
  readonly keepFrom: number
  readonly droppedPartitions: ReadonlyArray<string>
  /** Statuses removed: rows of the dropped partitions plus expired rows of the DEFAULT partition. */
  readonly deletedStatuses: number
  readonly deletedPayloads: number
  /** Payloads whose summary was rebuilt from their remaining statuses (optional: reports made before it). */
  readonly rebuiltSummaries?: number
}

/** Removed rows leave the exact totals (migration StoreCounts) in the same transaction as the removal. */
const subtractCounts = (tx: Queryable, payloads: number, statuses: number) =>
  tx.query(
    `insert into store_counts as c (slot, payloads, statuses) values (pg_backend_pid() % 16, $1, $2)
     on conflict (slot) do update set payloads = c.payloads + excluded.payloads, statuses = c.statuses + excluded.statuses`,
    [-payloads, -statuses],
  )

/**
 * Drops whole daily partitions older than the retention, deletes expired rows that sit in the DEFAULT
 * partition (old dates that never had a partition), then deletes payloads left without any status.
 * Only payloads created before `keepFrom` can have lost all their statuses, which bounds the search.
 * The summaries (docs/postgres.md, "The payload summary") of payloads that lost statuses are rebuilt from the
 * statuses left, under the cleanup lock (writers wait, so none merges into a summary being rebuilt); a payload
 * left without statuses loses its summary rows, and then itself.
 */
export const applyRetention = Effect.fnUntraced(function* (
  sql: SqlClient["Service"],
  nowMs: number,
  retentionDays: number,
): Effect.fn.Return<RetentionReport, SqlError> {
  const keepFrom = Math.floor(nowMs / DAY_MS) * DAY_MS - retentionDays * DAY_MS
  const expired = (yield* listPartitions(sql)).filter((day) => day + DAY_MS <= keepFrom)
  const droppedPartitions: Array<string> = []
  let deletedStatuses = 0
  for (const day of expired) {
    const name = partitionName(day)
    deletedStatuses += yield* withTransaction(sql, (tx) =>
      Effect.gen(function* () {
        // Parent first, like writers: nothing is inserted between the count and the drop (exact totals).
        yield* tx.query(`lock table payload_statuses, ${name} in access exclusive mode`)
        const n = yield* tx
          .query(`select count(*)::float8 as n from ${name}`)
          .pipe(Effect.flatMap(decodeCount))
        yield* tx.query(`drop table ${name}`)
        yield* subtractCounts(tx, 0, n)
        yield* tx.query(
          "delete from status_counts where hour >= $1::timestamptz and hour < $2::timestamptz",
          [new Date(day).toISOString(), new Date(day + DAY_MS).toISOString()],
        )
        return n
      }),
    )
    droppedPartitions.push(name)
  }
  const keepFromText = new Date(keepFrom).toISOString()
  deletedStatuses += yield* withTransaction(sql, (tx) =>
    Effect.gen(function* () {
      const fromDefault = yield* tx.query(
        "delete from payload_statuses_default where date < $1::timestamptz",
        [keepFromText],
      )
      if (fromDefault.count > 0) yield* subtractCounts(tx, 0, fromDefault.count)
      // Every hour before keepFrom is gone now (dropped partitions above, DEFAULT rows here): so are its counts.
      yield* tx.query("delete from status_counts where hour < $1::timestamptz", [keepFromText])
      return fromDefault.count
    }),
  )
  let rebuiltSummaries = 0
  for (;;) {
    const n = yield* withTransaction(sql, (tx) =>
      Effect.gen(function* () {
        yield* tx.query("select pg_advisory_xact_lock($1)", [PAYLOAD_CLEANUP_LOCK])
        const stale = yield* tx.query(STALE_SUMMARIES, [keepFromText]).pipe(Effect.flatMap(decodeRows(IdRow)))
        if (stale.length === 0) return 0
        const ids = stale.map((r) => r.id)
        for (const statement of rebuildPackedSummaries("s.payload_id = any($1::int8[])"))
          yield* tx.query(statement, [ids])
        return ids.length
      }),
    )
    rebuiltSummaries += n
    if (n < PAYLOAD_CHUNK) break
  }
  let deletedPayloads = 0
  for (;;) {
    const n = yield* withTransaction(sql, (tx) =>
      Effect.gen(function* () {
        yield* tx.query("select pg_advisory_xact_lock($1)", [PAYLOAD_CLEANUP_LOCK])
        // With their summary rows (none are left after the rebuild above; this keeps it so on its own).
        const n = yield* tx
          .query(
            `with gone as (
             delete from payloads where id in (
               select p.id from payloads p
               where p.created_at < $1::timestamptz
                 and not exists (select 1 from payload_statuses s where s.payload_id = p.id)
               limit ${PAYLOAD_CHUNK})
             returning id
           ), summaries as (
             delete from payload_summaries where payload_id in (select id from gone)
           )
           select count(*)::float8 as n from gone`,
            [keepFromText],
          )
          .pipe(Effect.flatMap(decodeCount))
        if (n > 0) yield* subtractCounts(tx, n, 0)
        return n
      }),
    )
    deletedPayloads += n
    if (n < PAYLOAD_CHUNK) break
  }
  return { keepFrom, droppedPartitions, deletedStatuses, deletedPayloads, rebuiltSummaries }
})
