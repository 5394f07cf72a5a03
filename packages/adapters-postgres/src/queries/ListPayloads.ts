import type { Page, PayloadListItem, PayloadListQuery } from "@pt/domain/Queries"
import { Effect, Schema } from "effect"
import type { LookupNames } from "../LookupNames.ts"
import { decodeRows, PayloadRow } from "../Rows.ts"
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

const MatchedPage = Schema.Struct({ n: Schema.Number, data: Schema.Array(PayloadRow) })

/**
 * `status=` (with or without `service=`) in a created_at window, newest or oldest first, no other filter: the
 * page and the count from one match set in one statement. The window's matching statuses give the payload
 * ids (index-only, Summaries.ts), whose created_at (the payload's) comes from the narrow `payload_summaries`:
 * for an error word a hash join with the window's error payloads of its outcome index, else one primary-key
 * probe per match. The count is taken over them and the page's ≤ page_size rows are read from `payloads`.
 * The two-statement form probed every match twice, in the wide `payloads` table.
 */
const byStatusInWindow = (q: PayloadListQuery): boolean =>
  q.status !== undefined &&
  (q.created_at.gte ?? q.created_at.gt) !== undefined &&
  q.outcome === undefined &&
  q.sortBy === "created_at" &&
  (["account", "org_id", "request_id", "inventory_id", "system_id"] as const).every((f) => q[f] === undefined)

const listByStatusInWindow = (sql: SqlClient["Service"], names: LookupNames, q: PayloadListQuery) =>
  Effect.gen(function* () {
    const w = new Where()
    w.range("ps.created_at", q.created_at)
    yield* addSummaryFilters(w, q, names, { payloadId: "ps.payload_id", summary: true })
    const matches = w.sql
    const dir = q.sortDir === "asc" ? "asc" : "desc"
    const before = w.conditions.length
    keyset(w, "m.created_at", "m.id", dir, q.after, "timestamp")
    const after = w.conditions.slice(before)
    const page = `select m.id, m.created_at from m ${after.length === 0 ? "" : `where ${after.join(" and ")}`}
      order by m.created_at ${dir}, m.id ${dir}
      limit ${w.param(q.pageSize)} offset ${w.param(q.page * q.pageSize)}`
    const [row] = yield* sql
      .query(
        `with m as materialized (select ps.payload_id as id, ps.created_at from payload_summaries ps ${matches})
        select (select count(*) from m)::float8 as n,
          coalesce((select json_agg(json_build_object('id', p.id::float8, 'request_id', p.request_id,
              'account', p.account, 'inventory_id', p.inventory_id, 'system_id', p.system_id,
              'created_at', ${micros("p.created_at")}, 'org_id', p.org_id)
              order by g.created_at ${dir}, g.id ${dir})
            from (${page}) g join payloads p on p.id = g.id), '[]') as data`,
        w.params,
      )
      .pipe(Effect.flatMap(decodeRows(MatchedPage)))
    return { count: row?.n ?? 0, data: [...(row?.data ?? [])] }
  })

/** A page of payloads and the count of the filters (docs/api.md `GET /payloads`). */
export const listPayloads =
  (sql: SqlClient["Service"], names: LookupNames) =>
  (q: PayloadListQuery): Effect.Effect<Page<PayloadListItem>, SqlError> =>
    Effect.gen(function* () {
      if (byStatusInWindow(q)) {
        const page = yield* listByStatusInWindow(sql, names, q)
        if (!q.withSummary) return page
        const summaries = yield* readSummaries(
          sql,
          page.data.map((p) => p.id),
        )
        return { count: page.count, data: page.data.map((p) => ({ ...p, summary: summaries.get(p.id)! })) }
      }
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
      yield* addSummaryFilters(w, q, names, { payloadId: "payloads.id", summary: bySummary })
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
