import type { Page, PayloadListItem, PayloadListQuery } from "@pt/domain/Queries"
import { Effect } from "effect"
import type { LookupNames } from "../LookupNames.ts"
import { PAYLOAD_COLUMNS, PayloadRow } from "../Rows.ts"
import type { SqlClient, SqlError } from "../SqlClient.ts"
import { keyset, Where } from "../SqlFragments.ts"
import { pageAndCount } from "./PageAndCount.ts"
import { TOTAL_PAYLOADS } from "./StatusCounts.ts"
import { addSummaryFilters, readSummaries } from "./Summaries.ts"

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

/** A page of payloads and the count of the filters (docs/api.md `GET /payloads`). */
export const listPayloads =
  (sql: SqlClient["Service"], names: LookupNames) =>
  (q: PayloadListQuery): Effect.Effect<Page<PayloadListItem>, SqlError> =>
    Effect.gen(function* () {
      const w = payloadWhere(q)
      yield* addSummaryFilters(w, q, names)
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
      const page = yield* pageAndCount(
        sql,
        PayloadRow,
        { sql: `select ${PAYLOAD_COLUMNS} from payloads ${w.sql} ${order} ${paging}`, params: w.params },
        { sql: countSql, params: countParams },
      )
      if (!q.withSummary) return page
      const summaries = yield* readSummaries(
        sql,
        page.data.map((p) => p.id),
      )
      return { count: page.count, data: page.data.map((p) => ({ ...p, summary: summaries.get(p.id)! })) }
    })
