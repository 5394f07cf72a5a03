import type { StoredStatus } from "@pt/domain/Payload"
import type { Page, StatusListQuery } from "@pt/domain/Queries"
import { Effect } from "effect"
import type { LookupNames } from "../LookupNames.ts"
import { NamedStatusRow, RAW_STATUS_COLUMNS, RawStatusRow } from "../Rows.ts"
import type { SqlClient } from "../SqlClient.ts"
import { isEmptyRange, keyset, micros, Where } from "../SqlFragments.ts"
import { pageAndCount } from "./PageAndCount.ts"
import { countFromHours, type StatusFilterIds, TOTAL_STATUSES } from "./StatusCounts.ts"

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

// The other sorts run on payload_statuses alone (RAW_STATUS_COLUMNS, names from LookupNames).
const RAW_SORT: Partial<Record<StatusListQuery["sortBy"], string>> = {
  status_msg: "status_msg",
  date: "date",
  created_at: "created_at",
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

/** A page of statuses and the count of the filters (docs/api.md `GET /statuses`). */
export const listStatuses = (sql: SqlClient["Service"], names: LookupNames) =>
  Effect.fnUntraced(function* (q: StatusListQuery) {
    const service =
      q.service === undefined ? undefined : yield* names.idOf("services", q.service.toLowerCase())
    const status = q.status === undefined ? undefined : yield* names.idOf("statuses", q.status.toLowerCase())
    const source =
      q.source === undefined || q.source === ""
        ? undefined
        : yield* names.idOf("sources", q.source.toLowerCase())
    // A name that does not exist matches nothing.
    if (
      (q.service !== undefined && service === undefined) ||
      (q.status !== undefined && status === undefined) ||
      (q.source !== undefined && q.source !== "" && source === undefined)
    )
      return { count: 0, data: [] } satisfies Page<StoredStatus>
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
    const cw = statusWhere(q, ids, { lateral: false })
    const counted = unfiltered
      ? { sql: TOTAL_STATUSES, params: [] }
      : summarised
        ? countFromHours(ids, q.date)
        : { sql: `select count(*)::float8 as n from payload_statuses s ${cw.sql}`, params: cw.params }

    const nameSort = NAME_SORT[q.sortBy]
    if (nameSort !== undefined) {
      const w = statusWhere(q, ids, { lateral: false })
      keyset(w, nameSort, "s.id", dir, q.after, "text")
      return yield* pageAndCount(
        sql,
        NamedStatusRow,
        {
          sql: `select ${STATUS_COLUMNS} from payload_statuses s ${STATUS_JOINS} ${w.sql}
           order by ${nameSort} ${dir}, s.id ${dir} limit ${w.param(q.pageSize)} offset ${w.param(offset)}`,
          params: w.params,
        },
        counted,
      )
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
    const page = yield* pageAndCount(sql, RawStatusRow, { sql: pageSql, params: w.params }, counted)
    return { count: page.count, data: yield* names.toStored(page.data) } satisfies Page<StoredStatus>
  })
