import type { StoreUnavailable } from "@pt/domain/Errors"
import type { Payload, StoredStatus } from "@pt/domain/Payload"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import type { Page, PayloadListQuery, StatusCount, StatusListQuery, TimeRange } from "@pt/domain/Queries"
import { formatTimestamp } from "@pt/domain/Timestamp"
import type { Effect } from "effect"
import { micros, type SqlClient, tryQuery } from "./SqlClient.ts"

/** Collects WHERE conditions and their bind parameters. */
class Where {
  readonly conditions: Array<string> = []
  readonly params: Array<unknown> = []
  param(value: unknown): string {
    this.params.push(value)
    return `$${this.params.length}`
  }
  add(condition: string): void {
    this.conditions.push(condition)
  }
  // Bounds are sent as RFC 3339 text: plain constants for the planner, so it prunes partitions at plan time.
  range(column: string, range: TimeRange): void {
    const ops = [
      ["lt", "<"],
      ["lte", "<="],
      ["gt", ">"],
      ["gte", ">="],
    ] as const
    for (const [key, op] of ops) {
      const bound = range[key]
      if (bound !== undefined) this.add(`${column} ${op} ${this.param(formatTimestamp(bound))}::timestamptz`)
    }
  }
  get sql(): string {
    return this.conditions.length === 0 ? "" : `where ${this.conditions.join(" and ")}`
  }
}

const PAYLOAD_COLUMNS = `id::float8 as id, request_id, account, inventory_id, system_id, ${micros("created_at")} as created_at, org_id`

const STATUS_COLUMNS = `s.id::float8 as status_id, s.payload_id::float8 as payload_id, p.request_id,
  sv.name as service, coalesce(so.name, '') as source, st.name as status, s.status_msg,
  ${micros("s.date")} as date, ${micros("s.created_at")} as created_at`

const STATUS_JOINS = `join payloads p on p.id = s.payload_id
  join services sv on sv.id = s.service_id
  left join sources so on so.id = s.source_id
  join statuses st on st.id = s.status_id`

const STATUS_SORT: Record<StatusListQuery["sortBy"], string> = {
  service: "sv.name",
  source: "coalesce(so.name, '')",
  request_id: "p.request_id",
  status: "st.name",
  status_msg: "s.status_msg",
  date: "s.date",
  created_at: "s.created_at",
}

const payloadWhere = (q: PayloadListQuery): Where => {
  const w = new Where()
  for (const field of ["account", "org_id", "request_id"] as const) {
    const value = q[field]
    if (value !== undefined) w.add(`${field} = ${w.param(value)}`)
  }
  for (const field of ["inventory_id", "system_id"] as const) {
    const value = q[field]
    // Spelled out so the planner can use the partial index (which leaves out the many empty values).
    if (value !== undefined)
      w.add(value === "" ? `${field} = ''` : `${field} = ${w.param(value)} and ${field} <> ''`)
  }
  w.range("created_at", q.created_at)
  return w
}

const statusWhere = (q: StatusListQuery): Where => {
  const w = new Where()
  // Names become ids first (an InitPlan), so the status_id/service_id index applies.
  if (q.service !== undefined)
    w.add(`s.service_id = (select id from services where name = ${w.param(q.service.toLowerCase())})`)
  if (q.status !== undefined)
    w.add(`s.status_id = (select id from statuses where name = ${w.param(q.status.toLowerCase())})`)
  if (q.source !== undefined)
    w.add(
      q.source === ""
        ? "s.source_id is null"
        : `s.source_id = (select id from sources where name = ${w.param(q.source.toLowerCase())})`,
    )
  if (q.status_msg !== undefined) w.add(`s.status_msg = ${w.param(q.status_msg)}`)
  if (q.request_id !== undefined)
    w.add(`s.payload_id = (select id from payloads where request_id = ${w.param(q.request_id)})`)
  w.range("s.date", q.date)
  w.range("s.created_at", q.created_at)
  return w
}

const count = (rows: Array<{ n: number }>): number => rows[0]?.n ?? 0

/** Every read of api-v1.md, with the memory adapter's semantics (the shared contract suite proves it). */
export const makePostgresPayloadQueries = (sql: SqlClient) => {
  // The page and the exact count run side by side on two pooled connections (PGlite serialises them).
  const pageAndCount = <A>(
    what: string,
    w: Where,
    pageSql: (paging: string) => string,
    countSql: string,
    page: number,
    pageSize: number,
  ) =>
    tryQuery(what, async (): Promise<Page<A>> => {
      const countParams = [...w.params]
      const paging = `limit ${w.param(pageSize)} offset ${w.param(page * pageSize)}`
      const [data, total] = await Promise.all([
        sql.query<A>(pageSql(paging), w.params),
        sql.query<{ n: number }>(countSql, countParams),
      ])
      return { count: count(total.rows), data: data.rows }
    })

  const listPayloads = (q: PayloadListQuery): Effect.Effect<Page<Payload>, StoreUnavailable> => {
    const w = payloadWhere(q)
    const dir = q.sortDir === "asc" ? "asc" : "desc"
    // Qualified: the bare names would sort by the output columns (converted values), which no index serves.
    const order = `order by payloads.${q.sortBy} ${dir}, payloads.id ${dir}`
    return pageAndCount(
      "listing payloads",
      w,
      (paging) => `select ${PAYLOAD_COLUMNS} from payloads ${w.sql} ${order} ${paging}`,
      `select count(*)::float8 as n from payloads ${w.sql}`,
      q.page,
      q.pageSize,
    )
  }

  const listStatuses = (q: StatusListQuery): Effect.Effect<Page<StoredStatus>, StoreUnavailable> => {
    const w = statusWhere(q)
    const dir = q.sortDir === "asc" ? "asc" : "desc"
    const filters = w.sql
    const countSql = `select count(*)::float8 as n from payload_statuses s ${filters}`
    return pageAndCount(
      "listing statuses",
      w,
      (paging) => `select ${STATUS_COLUMNS} from payload_statuses s ${STATUS_JOINS} ${filters}
       order by ${STATUS_SORT[q.sortBy]} ${dir}, s.id ${dir} ${paging}`,
      countSql,
      q.page,
      q.pageSize,
    )
  }

  const payloadHistory = (requestId: string) =>
    tryQuery("reading a payload's history", async () => {
      const found = await sql.query<Payload>(
        `select ${PAYLOAD_COLUMNS} from payloads where request_id = $1`,
        [requestId],
      )
      const payload = found.rows[0]
      if (payload === undefined) return undefined
      const statuses = await sql.query<StoredStatus>(
        `select ${STATUS_COLUMNS} from payload_statuses s ${STATUS_JOINS} where s.payload_id = $1`,
        [payload.id],
      )
      return statuses.rows.length === 0 ? undefined : { payload, statuses: statuses.rows }
    })

  const countStatuses = (since: number, statuses: ReadonlyArray<string>) =>
    tryQuery(
      "counting statuses",
      async (): Promise<ReadonlyArray<StatusCount>> =>
        (
          await sql.query<StatusCount>(
            `select sv.name as service, st.name as status, c.n as count
             from (select service_id, status_id, count(*)::float8 as n from payload_statuses s
                   where s.status_id = any(array(select id from statuses where name = any($2::text[])))
                     and s.date >= $1::timestamptz
                   group by service_id, status_id) c
             join services sv on sv.id = c.service_id
             join statuses st on st.id = c.status_id`,
            [formatTimestamp(since), [...statuses]],
          )
        ).rows,
    )

  return PayloadQueries.of({ listPayloads, listStatuses, payloadHistory, countStatuses })
}
