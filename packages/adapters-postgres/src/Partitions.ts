import { Effect, Schema } from "effect"
import { decodeRows } from "./Rows.ts"
import { type Queryable, type SqlClient, type SqlError, withTransaction } from "./SqlClient.ts"

const DAY_MS = 86_400_000
const NameRow = Schema.Struct({ name: Schema.String })
/** Serialises partition DDL between processes (several consumers may run maintenance at once). */
const PARTITION_DDL_LOCK = 7_260_002
const PREFIX = "payload_statuses_p"

/** Start of the UTC day containing `millis`. */
export const startOfDay = (millis: number): number => Math.floor(millis / DAY_MS) * DAY_MS

const dayKey = (dayStart: number): string => new Date(dayStart).toISOString().slice(0, 10)

export const partitionName = (dayStart: number): string => `${PREFIX}${dayKey(dayStart).replaceAll("-", "")}`

/** Day start (ms) of a daily partition name, or undefined for other tables (the DEFAULT partition). */
export const partitionDay = (name: string): number | undefined => {
  const m = /^payload_statuses_p(\d{4})(\d{2})(\d{2})$/.exec(name)
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : undefined
}

/** Daily partitions that exist, as day starts (ms), ascending. */
export const listPartitions = (sql: Queryable): Effect.Effect<Array<number>, SqlError> =>
  sql
    .query(
      `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'payload_statuses'::regclass`,
    )
    .pipe(
      Effect.flatMap(decodeRows(NameRow)),
      Effect.map((rows) => rows.flatMap((row) => partitionDay(row.name) ?? []).sort((a, b) => a - b)),
    )

const bounds = (dayStart: number) => [
  `${dayKey(dayStart)} 00:00:00+00`,
  `${dayKey(dayStart + DAY_MS)} 00:00:00+00`,
]

/**
 * Creates the partition of one day. Statuses of that day already in the DEFAULT partition (they arrived
 * before the partition existed) are moved into it in the same transaction, so none is lost and PostgreSQL's
 * check that DEFAULT holds no rows of the new range passes.
 */
const createPartition = (sql: SqlClient["Service"], dayStart: number) =>
  withTransaction(sql, (tx) =>
    Effect.gen(function* () {
      yield* tx.query("select pg_advisory_xact_lock($1)", [PARTITION_DDL_LOCK])
      const name = partitionName(dayStart)
      const exists = yield* tx.query("select 1 from pg_class where relname = $1 and relkind = 'r'", [name])
      if (exists.rows.length > 0) return { created: false, moved: 0 }
      const [from, to] = bounds(dayStart)
      const range = `for values from ('${from}') to ('${to}')`
      const inDefault = yield* tx.query(
        "select 1 from payload_statuses_default where date >= $1::timestamptz and date < $2::timestamptz limit 1",
        [from, to],
      )
      if (inDefault.rows.length === 0) {
        yield* tx.query(`create table ${name} partition of payload_statuses ${range}`)
        return { created: true, moved: 0 }
      }
      yield* tx.query(`create table ${name} (like payload_statuses including defaults including constraints)`)
      const moved = yield* tx.query(
        `with m as (delete from payload_statuses_default where date >= $1::timestamptz and date < $2::timestamptz
       returning *) insert into ${name} select * from m`,
        [from, to],
      )
      yield* tx.query(`alter table payload_statuses attach partition ${name} ${range}`)
      return { created: true, moved: moved.count }
    }),
  )

export interface PartitionReport {
  readonly created: ReadonlyArray<string>
  /** Statuses moved out of the DEFAULT partition into a new daily partition. */
  readonly moved: number
}

/** Ensures a daily partition for every day from `fromDay` to `toDay` (day starts in ms, inclusive). */
export const ensurePartitions = Effect.fnUntraced(function* (
  sql: SqlClient["Service"],
  fromDay: number,
  toDay: number,
): Effect.fn.Return<PartitionReport, SqlError> {
  const existing = new Set(yield* listPartitions(sql))
  const created: Array<string> = []
  let moved = 0
  for (let day = startOfDay(fromDay); day <= toDay; day += DAY_MS) {
    if (existing.has(day)) continue
    const r = yield* createPartition(sql, day)
    if (r.created) created.push(partitionName(day))
    moved += r.moved
  }
  return { created, moved }
})
