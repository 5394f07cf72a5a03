import type { StoreUnavailable } from "@pt/domain/Errors"
import type { Payload, StoredStatus } from "@pt/domain/Payload"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import type {
  After,
  Page,
  PayloadListQuery,
  StatusCount,
  StatusListQuery,
  TimeRange,
} from "@pt/domain/Queries"
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

/**
 * Keyset paging: only the rows strictly after `after` in the order `column dir, idColumn dir`. The row
 * comparison alone would be exact; the bound on the sort column alone is what an index on that column (or
 * ending in it, after equality filters) can start its scan at, so a deep page reads no rows before it.
 * Text keys compare in byte order ("C", as every sortable column is declared), like the memory adapter.
 */
const keyset = (
  w: Where,
  column: string,
  idColumn: string,
  dir: "asc" | "desc",
  after: After | undefined,
  kind: "text" | "timestamp",
): void => {
  if (after === undefined) return
  const op = dir === "asc" ? ">" : "<"
  const key =
    kind === "timestamp"
      ? `${w.param(formatTimestamp(Number(after.key)))}::timestamptz`
      : `${w.param(String(after.key))}::text collate "C"`
  const id = `${w.param(after.id)}::bigint`
  w.add(`${column} ${op}= ${key} and (${column}, ${idColumn}) ${op} (${key}, ${id})`)
}

const PAYLOAD_COLUMNS = `id::float8 as id, request_id, account, inventory_id, system_id, ${micros("created_at")} as created_at, org_id`

// Used only for the sorts by a name (service, source, status, request_id): those need the names in SQL.
const STATUS_COLUMNS = `s.id::float8 as status_id, s.payload_id::float8 as payload_id, p.request_id,
  sv.name as service, coalesce(so.name, '') as source, st.name as status, s.status_msg,
  ${micros("s.date")} as date, ${micros("s.created_at")} as created_at`

const STATUS_JOINS = `join payloads p on p.id = s.payload_id
  join services sv on sv.id = s.service_id
  left join sources so on so.id = s.source_id
  join statuses st on st.id = s.status_id`

const NAME_SORT: Partial<Record<StatusListQuery["sortBy"], string>> = {
  service: "sv.name",
  source: "coalesce(so.name, '')",
  request_id: "p.request_id",
  status: "st.name",
}

// The other sorts run on payload_statuses alone; lookup names are added in JS from a cache (LookupNames).
// Joining the three lookup tables in SQL made the planner's work grow with every partition: planning the
// history of one payload took ≈2 ms against 0.3 ms without the joins (see docs/postgres.md).
const RAW_STATUS_COLUMNS = `s.id::float8 as status_id, s.payload_id::float8 as payload_id, s.service_id as sv,
  s.source_id as so, s.status_id as st, s.status_msg, ${micros("s.date")} as date, ${micros("s.created_at")} as created_at`

const RAW_SORT: Partial<Record<StatusListQuery["sortBy"], string>> = {
  status_msg: "status_msg",
  date: "date",
  created_at: "created_at",
}

interface RawStatus {
  readonly status_id: number
  readonly payload_id: number
  readonly request_id?: string
  readonly sv: number
  readonly so: number | null
  readonly st: number
  readonly status_msg: string
  readonly date: number
  readonly created_at: number
}

type LookupTable = "services" | "sources" | "statuses"

/**
 * Names of the lookup tables by id and ids by name. Ids never change once written, so the cache needs no
 * invalidation: a miss (a name written since the last load, by any process) reloads that table.
 */
const makeLookupNames = (sql: SqlClient) => {
  const byId: Record<LookupTable, Map<number, string>> = {
    services: new Map(),
    sources: new Map(),
    statuses: new Map(),
  }
  const byName: Record<LookupTable, Map<string, number>> = {
    services: new Map(),
    sources: new Map(),
    statuses: new Map(),
  }
  const load = async (table: LookupTable) => {
    const rows = (await sql.query<{ id: number; name: string }>(`select id, name from ${table}`)).rows
    for (const r of rows) {
      byId[table].set(r.id, r.name)
      byName[table].set(r.name, r.id)
    }
  }
  /** The id of a name, or undefined when no such name exists (then no row can match the filter). */
  const idOf = async (table: LookupTable, name: string): Promise<number | undefined> => {
    if (!byName[table].has(name)) await load(table)
    return byName[table].get(name)
  }
  /** Rows with lookup ids and their payload's request_id → the port's StoredStatus. */
  const toStored = async (rows: ReadonlyArray<RawStatus>, requestId?: string) => {
    for (const table of ["services", "sources", "statuses"] as const) {
      const key = table === "services" ? "sv" : table === "sources" ? "so" : "st"
      if (rows.some((r) => r[key] !== null && !byId[table].has(r[key]!))) await load(table)
    }
    return rows.map(
      (r): StoredStatus => ({
        status_id: r.status_id,
        payload_id: r.payload_id,
        request_id: requestId ?? r.request_id ?? "",
        service: byId.services.get(r.sv) ?? "",
        source: r.so === null ? "" : (byId.sources.get(r.so) ?? ""),
        status: byId.statuses.get(r.st) ?? "",
        status_msg: r.status_msg,
        date: r.date,
        created_at: r.created_at,
      }),
    )
  }
  return { idOf, toStored }
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

/** Lookup ids of the name filters; `undefined` when a name does not exist (nothing can match). */
interface StatusFilterIds {
  readonly service?: number | undefined
  readonly status?: number | undefined
  readonly source?: number | null
}

const statusWhere = (q: StatusListQuery, ids: StatusFilterIds, options: { lateral: boolean }): Where => {
  const w = new Where()
  // Ids as constants: the planner sees the values (statistics, index bounds) instead of an InitPlan.
  // In the lateral form (see listStatuses) service and status come from the outer loop instead.
  if (!options.lateral) {
    if (ids.status !== undefined) w.add(`s.status_id = ${w.param(ids.status)}`)
    if (ids.service !== undefined) w.add(`s.service_id = ${w.param(ids.service)}`)
    // One of the two fixed: the other as "any existing id" lets the (status_id, service_id, date) index
    // serve the whole condition (an index-only count instead of a scan of the window's partitions).
    if ((ids.status === undefined) !== (ids.service === undefined) && q.request_id === undefined) {
      if (ids.status === undefined) w.add("s.status_id = any(array(select id from statuses))")
      else w.add("s.service_id = any(array(select id from services))")
    }
  }
  if (ids.source !== undefined)
    w.add(ids.source === null ? "s.source_id is null" : `s.source_id = ${w.param(ids.source)}`)
  if (q.status_msg !== undefined) {
    const msg = w.param(q.status_msg)
    // Spelled out for the partial md5 index over non-empty messages (migration StatusMsgIndex).
    w.add(
      q.status_msg === ""
        ? "s.status_msg = ''"
        : `s.status_msg = ${msg} and md5(s.status_msg) = md5(${msg}) and s.status_msg <> ''`,
    )
  }
  if (q.request_id !== undefined)
    w.add(`s.payload_id = (select id from payloads where request_id = ${w.param(q.request_id)})`)
  w.range("s.date", q.date)
  w.range("s.created_at", q.created_at)
  return w
}

const count = (rows: Array<{ n: number }>): number => rows[0]?.n ?? 0

const HOUR_MICROS = 3_600_000_000

const isEmptyRange = (r: TimeRange) =>
  r.lt === undefined && r.lte === undefined && r.gt === undefined && r.gte === undefined

// Exact totals kept by the write path and retention in the same transactions (migration StoreCounts).
const TOTAL_PAYLOADS = "select coalesce(sum(payloads), 0)::float8 as n from store_counts"
const TOTAL_STATUSES = "select coalesce(sum(statuses), 0)::float8 as n from store_counts"

/**
 * The count of statuses filtered by service and/or status and a date window only: the whole hours inside the
 * window from `status_counts` (kept by the write path), the partial hours at its edges counted from the rows
 * through the (status_id, service_id, date) index. A window inside one hour is counted from the rows alone.
 */
const countFromHours = (ids: StatusFilterIds, date: TimeRange): { sql: string; params: Array<unknown> } => {
  const maxOf = (xs: Array<number | undefined>) => {
    const defined = xs.filter((x): x is number => x !== undefined)
    return defined.length === 0 ? undefined : Math.max(...defined)
  }
  const minOf = (xs: Array<number | undefined>) => {
    const defined = xs.filter((x): x is number => x !== undefined)
    return defined.length === 0 ? undefined : Math.min(...defined)
  }
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
    if (lo !== undefined) conds.push(`s.date >= ${w.param(formatTimestamp(lo))}::timestamptz`)
    if (hi !== undefined) conds.push(`s.date < ${w.param(formatTimestamp(hi))}::timestamptz`)
    return `(select count(*) from payload_statuses s where ${conds.join(" and ")})`
  }
  if (hoursFrom !== undefined && hoursTo !== undefined && hoursFrom >= hoursTo)
    return { sql: `select ${rows(from, to)}::float8 as n`, params: w.params }
  const hourConds = ofPair("c")
  if (hoursFrom !== undefined) hourConds.push(`c.hour >= ${w.param(formatTimestamp(hoursFrom))}::timestamptz`)
  if (hoursTo !== undefined) hourConds.push(`c.hour < ${w.param(formatTimestamp(hoursTo))}::timestamptz`)
  const parts = [`coalesce((select sum(c.n) from status_counts c where ${hourConds.join(" and ")}), 0)`]
  if (from !== undefined && hoursFrom !== undefined && from < hoursFrom) parts.push(rows(from, hoursFrom))
  if (to !== undefined && hoursTo !== undefined && hoursTo < to) parts.push(rows(hoursTo, to))
  return { sql: `select (${parts.join(" + ")})::float8 as n`, params: w.params }
}

/** Every read of docs/api.md, with the memory adapter's semantics (the shared contract suite proves it). */
export const makePostgresPayloadQueries = (sql: SqlClient) => {
  const names = makeLookupNames(sql)

  // The page and the exact count run side by side on two pooled connections (PGlite serialises them).
  const pageAndCount = <R>(
    pageSql: string,
    pageParams: ReadonlyArray<unknown>,
    countSql: string,
    countParams: ReadonlyArray<unknown>,
  ) =>
    Promise.all([sql.query<R>(pageSql, pageParams), sql.query<{ n: number }>(countSql, countParams)]).then(
      ([data, total]) => ({ rows: data.rows, count: count(total.rows) }),
    )

  const listPayloads = (q: PayloadListQuery): Effect.Effect<Page<Payload>, StoreUnavailable> =>
    tryQuery("listing payloads", async () => {
      const w = payloadWhere(q)
      const dir = q.sortDir === "asc" ? "asc" : "desc"
      // Qualified: the bare names would sort by the output columns (converted values), which no index serves.
      const order = `order by payloads.${q.sortBy} ${dir}, payloads.id ${dir}`
      // No filter (the UI's first page): the maintained total instead of counting every payload.
      const countSql =
        w.conditions.length === 0 ? TOTAL_PAYLOADS : `select count(*)::float8 as n from payloads ${w.sql}`
      const countParams = [...w.params]
      // After the count is fixed: `count` is the total of the filters, wherever the page starts.
      const kind = q.sortBy === "created_at" ? "timestamp" : "text"
      keyset(w, `payloads.${q.sortBy}`, "payloads.id", dir, q.after, kind)
      const paging = `limit ${w.param(q.pageSize)} offset ${w.param(q.page * q.pageSize)}`
      const { rows, count } = await pageAndCount<Payload>(
        `select ${PAYLOAD_COLUMNS} from payloads ${w.sql} ${order} ${paging}`,
        w.params,
        countSql,
        countParams,
      )
      return { count, data: rows }
    })

  const listStatuses = (q: StatusListQuery): Effect.Effect<Page<StoredStatus>, StoreUnavailable> =>
    tryQuery("listing statuses", async (): Promise<Page<StoredStatus>> => {
      const service =
        q.service === undefined ? undefined : await names.idOf("services", q.service.toLowerCase())
      const status = q.status === undefined ? undefined : await names.idOf("statuses", q.status.toLowerCase())
      const source =
        q.source === undefined || q.source === ""
          ? undefined
          : await names.idOf("sources", q.source.toLowerCase())
      // A name that does not exist matches nothing.
      if (
        (q.service !== undefined && service === undefined) ||
        (q.status !== undefined && status === undefined) ||
        (q.source !== undefined && q.source !== "" && source === undefined)
      )
        return { count: 0, data: [] }
      const ids: StatusFilterIds = {
        service,
        status,
        ...(q.source === undefined ? {} : { source: source ?? null }),
      }
      const dir = q.sortDir === "asc" ? "asc" : "desc"
      const offset = q.page * q.pageSize
      const unfiltered =
        q.service === undefined &&
        q.status === undefined &&
        q.source === undefined &&
        q.status_msg === undefined &&
        q.request_id === undefined &&
        isEmptyRange(q.date) &&
        isEmptyRange(q.created_at)
      const summarised =
        q.source === undefined &&
        q.status_msg === undefined &&
        q.request_id === undefined &&
        isEmptyRange(q.created_at)
      const counted = unfiltered
        ? { sql: TOTAL_STATUSES, params: [] }
        : summarised
          ? countFromHours(ids, q.date)
          : undefined
      const cw = statusWhere(q, ids, { lateral: false })
      const countSql = counted?.sql ?? `select count(*)::float8 as n from payload_statuses s ${cw.sql}`
      const countParams = counted?.params ?? cw.params

      const nameSort = NAME_SORT[q.sortBy]
      if (nameSort !== undefined) {
        const w = statusWhere(q, ids, { lateral: false })
        keyset(w, nameSort, "s.id", dir, q.after, "text")
        const { rows, count } = await pageAndCount<StoredStatus>(
          `select ${STATUS_COLUMNS} from payload_statuses s ${STATUS_JOINS} ${w.sql}
           order by ${nameSort} ${dir}, s.id ${dir} limit ${w.param(q.pageSize)} offset ${w.param(offset)}`,
          w.params,
          countSql,
          countParams,
        )
        return { count, data: rows }
      }
      const sort = RAW_SORT[q.sortBy]!
      // Newest statuses by date without both service and status fixed (e.g. only a date window, or only a
      // service): no index orders the rows by date alone, and sorting a whole window (≈58k rows per hour at
      // 10M statuses) is slow. Instead, for each (status, service) pair, the (status_id, service_id, date)
      // index yields that pair's first rows in date order, and only those are merged: a loose index scan.
      // Only with filters the index holds; other filters would make each pair scan until it found matches.
      const lateral =
        q.sortBy === "date" &&
        (service === undefined || status === undefined) &&
        q.source === undefined &&
        q.status_msg === undefined &&
        q.request_id === undefined &&
        isEmptyRange(q.created_at)
      const w = statusWhere(q, ids, { lateral })
      // In the lateral form the bound goes into every pair's scan: each starts at the position in its index.
      keyset(w, `s.${sort}`, "s.id", dir, q.after, sort === "status_msg" ? "text" : "timestamp")
      const pageOf = (from: string) =>
        `select i.*, p.request_id from (${from}) i join payloads p on p.id = i.payload_id::bigint
         order by i.${sort} ${dir}, i.status_id ${dir}`
      let pageSql: string
      if (lateral) {
        const pairs = `(select id from statuses${status === undefined ? "" : ` where id = ${w.param(status)}`}) st
          cross join (select id from services${service === undefined ? "" : ` where id = ${w.param(service)}`}) sv`
        const cond = ["s.status_id = st.id", "s.service_id = sv.id", ...w.conditions].join(" and ")
        pageSql = pageOf(`select x.* from ${pairs} cross join lateral (
            select ${RAW_STATUS_COLUMNS} from payload_statuses s where ${cond}
            order by s.date ${dir}, s.id ${dir} limit ${w.param(offset + q.pageSize)}) x
          order by x.date ${dir}, x.status_id ${dir} limit ${w.param(q.pageSize)} offset ${w.param(offset)}`)
      } else {
        // The page is cut first, then joined to payloads (request_id): a LIMITed subquery is planned on its own.
        pageSql = pageOf(`select ${RAW_STATUS_COLUMNS} from payload_statuses s ${w.sql}
          order by s.${q.sortBy} ${dir}, s.id ${dir} limit ${w.param(q.pageSize)} offset ${w.param(offset)}`)
      }
      const { rows, count } = await pageAndCount<RawStatus>(pageSql, w.params, countSql, countParams)
      return { count, data: await names.toStored(rows) }
    })

  const payloadHistory = (requestId: string) =>
    tryQuery("reading a payload's history", async () => {
      const found = await sql.query<Payload>(
        `select ${PAYLOAD_COLUMNS} from payloads where request_id = $1`,
        [requestId],
        { prepare: "pt_payload_by_request_id" },
      )
      const payload = found.rows[0]
      if (payload === undefined) return undefined
      const statuses = await sql.query<RawStatus>(
        `select ${RAW_STATUS_COLUMNS} from payload_statuses s where s.payload_id = $1`,
        [payload.id],
        { prepare: "pt_statuses_by_payload_id" },
      )
      return statuses.rows.length === 0
        ? undefined
        : { payload, statuses: await names.toStored(statuses.rows, payload.request_id) }
    })

  // Whole hours from the summary kept by the write path (status_counts), the partial first hour from the
  // statuses themselves (at most an hour of rows, through the (status_id, service_id, date) index).
  const countStatuses = (since: number, statuses: ReadonlyArray<string>) =>
    tryQuery("counting statuses", async (): Promise<ReadonlyArray<StatusCount>> => {
      const edge = Math.ceil(since / HOUR_MICROS) * HOUR_MICROS
      const rows = await sql.query<StatusCount>(
        `with wanted as materialized (select id from statuses where name = any($3::text[]))
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
         join statuses st on st.id = c.status_id`,
        [formatTimestamp(since), formatTimestamp(edge), [...statuses]],
      )
      return rows.rows
    })

  return PayloadQueries.of({ listPayloads, listStatuses, payloadHistory, countStatuses })
}
