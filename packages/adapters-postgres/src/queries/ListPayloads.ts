import type { Page, PayloadListItem, PayloadListQuery } from "@pt/domain/Queries"
import { Effect } from "effect"
import type { LookupNames } from "../LookupNames.ts"
import { PayloadRow } from "../Rows.ts"
import type { SqlClient, SqlError } from "../SqlClient.ts"
import { keyset, micros, Where } from "../SqlFragments.ts"
import { pageAndCount } from "./PageAndCount.ts"
import { TOTAL_PAYLOADS } from "./StatusCounts.ts"
import { addSummaryFilters, readSummaries } from "./Summaries.ts"

// PAYLOAD_COLUMNS (Rows.ts) qualified: joined to payload_summaries, the bare `created_at` would be ambiguous.
const PAGE_COLUMNS = `payloads.id::float8 as id, payloads.request_id, payloads.account, payloads.inventory_id,
  payloads.system_id, ${micros("payloads.created_at")} as created_at, payloads.org_id`

// `created_at` is the summary's when the query reads it (outcome=): the same value, on the summary's index.
const payloadWhere = (q: PayloadListQuery, createdAt: string): Where => {
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
  w.range(createdAt, q.created_at)
  return w
}

/** A page of payloads and the count of the filters (docs/api.md `GET /payloads`). */
export const listPayloads =
  (sql: SqlClient["Service"], names: LookupNames) =>
  (q: PayloadListQuery): Effect.Effect<Page<PayloadListItem>, SqlError> =>
    Effect.gen(function* () {
      // outcome= reads the summary (docs/postgres.md, "The payload summary"); a payload without statuses has
      // none and matches no outcome, as before.
      const bySummary = q.outcome !== undefined
      const w = payloadWhere(q, bySummary ? "ps.created_at" : "payloads.created_at")
      // Only the summary's columns: the count needs no payload row (an index-only scan of the summary).
      const summaryOnly =
        bySummary &&
        q.service === undefined &&
        q.status === undefined &&
        w.conditions.length ===
          [q.created_at.lt, q.created_at.lte, q.created_at.gt, q.created_at.gte].filter(
            (b) => b !== undefined,
          ).length
      yield* addSummaryFilters(w, q, names)
      const from = bySummary
        ? "payloads join payload_summaries ps on ps.payload_id = payloads.id"
        : "payloads"
      const dir = q.sortDir === "asc" ? "asc" : "desc"
      // Qualified: the bare names would sort by the output columns (converted values), which no index serves.
      // By the summary's created_at and payload id (the same values) when reading it, so its index gives the order.
      const [sortColumn, idColumn] =
        bySummary && q.sortBy === "created_at"
          ? ["ps.created_at", "ps.payload_id"]
          : [`payloads.${q.sortBy}`, "payloads.id"]
      const order = `order by ${sortColumn} ${dir}, ${idColumn} ${dir}`
      // No filter (the UI's first page): the maintained total instead of counting every payload.
      const countSql =
        w.conditions.length === 0
          ? TOTAL_PAYLOADS
          : `select count(*)::float8 as n from ${summaryOnly ? "payload_summaries ps" : from} ${w.sql}`
      const countParams = [...w.params]
      // After the count is fixed: `count` is the total of the filters, wherever the page starts.
      const kind = q.sortBy === "created_at" ? "timestamp" : "text"
      keyset(w, sortColumn, idColumn, dir, q.after, kind)
      const paging = `limit ${w.param(q.pageSize)} offset ${w.param(q.page * q.pageSize)}`
      const page = yield* pageAndCount(
        sql,
        PayloadRow,
        { sql: `select ${PAGE_COLUMNS} from ${from} ${w.sql} ${order} ${paging}`, params: w.params },
        { sql: countSql, params: countParams },
      )
      if (!q.withSummary) return page
      const summaries = yield* readSummaries(
        sql,
        page.data.map((p) => p.id),
      )
      return { count: page.count, data: page.data.map((p) => ({ ...p, summary: summaries.get(p.id)! })) }
    })
