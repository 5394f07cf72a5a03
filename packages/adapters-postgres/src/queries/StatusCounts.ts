import type { StatusCount, TimeRange } from "@pt/domain/Queries"
import { formatTimestamp, Micros } from "@pt/domain/Timestamp"
import { Effect } from "effect"
import { decodeRows, StatusCountRow } from "../Rows.ts"
import type { SqlClient, SqlError } from "../SqlClient.ts"
import { Where } from "../SqlFragments.ts"
import type { Statement } from "./PageAndCount.ts"

const HOUR_MICROS = 3_600_000_000

// Exact totals kept by the write path and retention in the same transactions (migration StoreCounts).
export const TOTAL_PAYLOADS = "select coalesce(sum(payloads), 0)::float8 as n from store_counts"
export const TOTAL_STATUSES = "select coalesce(sum(statuses), 0)::float8 as n from store_counts"

/** Lookup ids of the name filters; `undefined` when not filtered by that name. */
export interface StatusFilterIds {
  readonly service?: number | undefined
  readonly status?: number | undefined
  readonly source?: number | null
}

const maxOf = (xs: Array<number | undefined>) => {
  const defined = xs.filter((x): x is number => x !== undefined)
  return defined.length === 0 ? undefined : Math.max(...defined)
}
const minOf = (xs: Array<number | undefined>) => {
  const defined = xs.filter((x): x is number => x !== undefined)
  return defined.length === 0 ? undefined : Math.min(...defined)
}

/**
 * The count of statuses filtered by service and/or status and a date window only: the whole hours inside the
 * window from `status_counts` (kept by the write path), the partial hours at its edges counted from the rows
 * through the (status_id, service_id, date) index. A window inside one hour is counted from the rows alone.
 */
export const countFromHours = (ids: StatusFilterIds, date: TimeRange): Statement => {
  // Dates are whole microseconds: `> x` is `>= x + 1`, `<= x` is `< x + 1`.
  const from = maxOf([date.gte, date.gt === undefined ? undefined : date.gt + 1])
  const to = minOf([date.lt, date.lte === undefined ? undefined : date.lte + 1])
  const hoursFrom = from === undefined ? undefined : Math.ceil(from / HOUR_MICROS) * HOUR_MICROS
  const hoursTo = to === undefined ? undefined : Math.floor(to / HOUR_MICROS) * HOUR_MICROS
  const w = new Where()
  const ofPair = (alias: string) => [
    ids.status === undefined
      ? `${alias}.status_id = any(array(select id from statuses))`
      : `${alias}.status_id = ${w.param(ids.status)}`,
    ids.service === undefined
      ? `${alias}.service_id = any(array(select id from services))`
      : `${alias}.service_id = ${w.param(ids.service)}`,
  ]
  const rows = (lo: number | undefined, hi: number | undefined) => {
    const conds = ofPair("s")
    if (lo !== undefined) conds.push(`s.date >= ${w.param(formatTimestamp(Micros.make(lo)))}::timestamptz`)
    if (hi !== undefined) conds.push(`s.date < ${w.param(formatTimestamp(Micros.make(hi)))}::timestamptz`)
    return `(select count(*) from payload_statuses s where ${conds.join(" and ")})`
  }
  if (hoursFrom !== undefined && hoursTo !== undefined && hoursFrom >= hoursTo)
    return { sql: `select ${rows(from, to)}::float8 as n`, params: w.params }
  const hourConds = ofPair("c")
  if (hoursFrom !== undefined)
    hourConds.push(`c.hour >= ${w.param(formatTimestamp(Micros.make(hoursFrom)))}::timestamptz`)
  if (hoursTo !== undefined)
    hourConds.push(`c.hour < ${w.param(formatTimestamp(Micros.make(hoursTo)))}::timestamptz`)
  const parts = [`coalesce((select sum(c.n) from status_counts c where ${hourConds.join(" and ")}), 0)`]
  if (from !== undefined && hoursFrom !== undefined && from < hoursFrom) parts.push(rows(from, hoursFrom))
  if (to !== undefined && hoursTo !== undefined && hoursTo < to) parts.push(rows(hoursTo, to))
  return { sql: `select (${parts.join(" + ")})::float8 as n`, params: w.params }
}

const COUNT_STATUSES = `with wanted as materialized (select id from statuses where name = any($3::text[]))
  select sv.name as service, st.name as status, c.n as count
  from (select service_id, status_id, sum(n)::float8 as n from (
          select service_id, status_id, n from status_counts
          where status_id in (select id from wanted) and hour >= $2::timestamptz
          union all
          select service_id, status_id, 1 from payload_statuses s
          where s.status_id = any(array(select id from wanted))
            and s.service_id = any(array(select id from services))
            and s.date >= $1::timestamptz and s.date < $2::timestamptz) u
        group by service_id, status_id having sum(n) > 0) c
  join services sv on sv.id = c.service_id
  join statuses st on st.id = c.status_id`

/**
 * Counts per service and status since `since`: whole hours from the summary kept by the write path
 * (status_counts), the partial first hour from the statuses themselves (at most an hour of rows, through the
 * (status_id, service_id, date) index).
 */
export const countStatuses =
  (sql: SqlClient["Service"]) =>
  (since: Micros, statuses: ReadonlyArray<string>): Effect.Effect<ReadonlyArray<StatusCount>, SqlError> => {
    const edge = Micros.make(Math.ceil(since / HOUR_MICROS) * HOUR_MICROS)
    return sql
      .query(COUNT_STATUSES, [formatTimestamp(since), formatTimestamp(edge), [...statuses]])
      .pipe(Effect.flatMap(decodeRows(StatusCountRow)))
  }
