import type { HostHistory, HostHistoryQuery, PayloadListQuery } from "@pt/domain/Queries"
import { classifyStatus } from "@pt/domain/StatusVocabulary"
import {
  compareText,
  type OutcomeAt,
  type PayloadSummary,
  type ServiceSummary,
  summaryOfServices,
} from "@pt/domain/Summary"
import { formatTimestamp, Micros } from "@pt/domain/Timestamp"
import { StalledAfter } from "@pt/domain/Track"
import { Clock, Effect, Schema } from "effect"
import type { LookupNames } from "../LookupNames.ts"
import { decodeRows, PayloadRow } from "../Rows.ts"
import type { SqlClient, SqlError } from "../SqlClient.ts"
import { micros, type Where } from "../SqlFragments.ts"

const ServiceSummaryRow = Schema.Struct({
  payload_id: Schema.Number,
  service: Schema.String,
  first_date: Schema.Number,
  last_date: Schema.Number,
  first_received: Schema.NullOr(Schema.Number),
  last_received: Schema.NullOr(Schema.Number),
  last_terminal: Schema.NullOr(Schema.Number),
  saw_error: Schema.Boolean,
  first_error_date: Schema.NullOr(Schema.Number),
  first_error_status: Schema.NullOr(Schema.String),
  first_error_msg: Schema.NullOr(Schema.String),
  last_status_date: Schema.Number,
  last_status: Schema.String,
  last_status_msg: Schema.String,
})
type ServiceSummaryRow = typeof ServiceSummaryRow.Type

const SERVICE_SUMMARIES = `select s.payload_id::float8 as payload_id, n.name as service,
  ${micros("s.first_date")} as first_date, ${micros("s.last_date")} as last_date,
  ${micros("s.first_received")} as first_received, ${micros("s.last_received")} as last_received,
  ${micros("s.last_terminal")} as last_terminal, s.saw_error,
  ${micros("s.first_error_date")} as first_error_date, s.first_error_status, s.first_error_msg,
  ${micros("s.last_status_date")} as last_status_date, s.last_status, s.last_status_msg
from payload_services s join services n on n.id = s.service_id where s.payload_id = any($1::int8[])`

// The domain's shape: optional keys absent rather than undefined, so summaries compare deep-equal.
const serviceSummary = (r: ServiceSummaryRow): ServiceSummary => ({
  firstDate: Micros.make(r.first_date),
  lastDate: Micros.make(r.last_date),
  ...(r.first_received === null ? {} : { firstReceived: Micros.make(r.first_received) }),
  ...(r.last_received === null ? {} : { lastReceived: Micros.make(r.last_received) }),
  ...(r.last_terminal === null ? {} : { lastTerminal: Micros.make(r.last_terminal) }),
  sawError: r.saw_error,
  ...(r.first_error_date === null
    ? {}
    : {
        firstError: {
          date: Micros.make(r.first_error_date),
          status: r.first_error_status ?? "",
          status_msg: r.first_error_msg ?? "",
        },
      }),
  lastStatus: { date: Micros.make(r.last_status_date), status: r.last_status, status_msg: r.last_status_msg },
})

/** The stored summaries of these payloads, by payload id (a payload without statuses has none). */
export const readSummaries = (
  sql: SqlClient["Service"],
  ids: ReadonlyArray<number>,
): Effect.Effect<ReadonlyMap<number, PayloadSummary>, SqlError> =>
  ids.length === 0
    ? Effect.succeed(new Map())
    : sql
        .query(SERVICE_SUMMARIES, [ids])
        .pipe(Effect.flatMap(decodeRows(ServiceSummaryRow)), Effect.map(summariesOf))

/** Service summary rows grouped into each payload's summary. */
const summariesOf = (rows: ReadonlyArray<ServiceSummaryRow>): ReadonlyMap<number, PayloadSummary> => {
  const byPayload = new Map<number, Array<ServiceSummaryRow>>()
  for (const r of rows) {
    const list = byPayload.get(r.payload_id)
    if (list) list.push(r)
    else byPayload.set(r.payload_id, [r])
  }
  const summaries = new Map<number, PayloadSummary>()
  for (const [id, list] of byPayload) {
    list.sort((a, b) => compareText(a.service, b.service))
    const summary = summaryOfServices(Object.fromEntries(list.map((r) => [r.service, serviceSummary(r)])))
    if (summary !== undefined) summaries.set(id, summary)
  }
  return summaries
}

/** The query's clock and threshold, else the reader's Clock and StalledAfter (Track.ts), as the memory store. */
export const outcomeAt = (given: OutcomeAt | undefined): Effect.Effect<OutcomeAt> =>
  given !== undefined
    ? Effect.succeed(given)
    : Effect.gen(function* () {
        return {
          now: Micros.make((yield* Clock.currentTimeMillis) * 1000),
          stalledAfter: yield* StalledAfter,
        }
      })

/**
 * The `outcome`, `service` and `status` filters of `GET /payloads` as conditions. With `outcome`, the caller
 * reads `payloads` joined to `payload_summaries ps` and puts the created_at window on `ps.created_at` (the
 * payload's, same value), so the summary's index `(any_error, created_at)` drives both the count (an
 * index-only scan, no payload read) and the page (that index backwards, payloads by primary key): the work is
 * the window's matches, not its payloads. The window's lower bound also bounds the statuses' date (no status
 * predates its payload's created_at), which prunes partitions.
 */
export const addSummaryFilters = Effect.fnUntraced(function* (
  w: Where,
  q: PayloadListQuery,
  names: LookupNames,
  // The payload id the conditions test (payloads.id, or the summary's payload_id when it is read alone), and
  // whether the query reads the summary as `ps`.
  reads: { readonly payloadId: string; readonly summary: boolean } = {
    payloadId: "payloads.id",
    summary: false,
  },
) {
  const { payloadId } = reads
  // Instants as RFC 3339 text, like Where.range: constants the planner can prune partitions with.
  const at = (value: number) => `${w.param(formatTimestamp(Micros.make(value)))}::timestamptz`
  if (q.outcome !== undefined) {
    let outcome: string
    if (q.outcome === "error") outcome = "ps.any_error"
    else if (q.outcome === "success") outcome = "not ps.any_error and ps.open_services = 0"
    else {
      const now = yield* outcomeAt(q.outcomeAt)
      const since = at(now.now - now.stalledAfter)
      // stalled: now - last_date > stalledAfter, i.e. last_date < now - stalledAfter (Lifecycle.ts).
      outcome = `not ps.any_error and ps.open_services > 0 and ps.last_date ${q.outcome === "stalled" ? "<" : ">="} ${since}`
    }
    // any_error spelled out as an equality, so the index's first column is used for every outcome.
    w.add(`ps.any_error = ${q.outcome === "error" ? "true" : "false"} and ${outcome}`)
  }
  const service = q.service === undefined ? undefined : yield* names.idOf("services", q.service.toLowerCase())
  const status = q.status === undefined ? undefined : yield* names.idOf("statuses", q.status.toLowerCase())
  // An unknown name matches nothing (no status can have it).
  if (
    (q.service !== undefined && service === undefined) ||
    (q.status !== undefined && status === undefined)
  ) {
    w.add("false")
    return
  }
  if (status !== undefined) {
    const lower = q.created_at.gte ?? q.created_at.gt
    const since = lower === undefined ? "" : `and st.date >= ${at(lower)}`
    const from = service === undefined ? "" : `and st.service_id = ${w.param(service)}`
    const matches = `select st.payload_id from payload_statuses st
      where st.status_id = ${w.param(status)} ${from} ${since}`
    // In a window, its matching statuses are few next to its payloads (error statuses of a day: ≈4k of ≈85k
    // payloads at 10M statuses): collect them (the index (status_id, service_id, date) INCLUDE payload_id,
    // index-only) and probe payloads by primary key, rather than the hash join over every payload of the
    // window the planner picks for `in`/`exists`. Without a lower bound (up to the retained week) the
    // payload-driven semi-join, which stops at the page, is kept.
    // An error word can only match a payload whose summary says `any_error` (it is the same transaction's
    // "an error was seen"). When the query reads the summary, the window's error payloads (the outcome index
    // (any_error, created_at) INCLUDE payload_id, index-only) are hash-joined with the matches: at 10M statuses
    // ≈8.7k index entries in one range against one primary-key probe per match (≈4.4k), about half the time.
    const errorsOnly =
      reads.summary && lower !== undefined && classifyStatus(q.status!.toLowerCase()) === "error"
    w.add(
      lower === undefined
        ? `exists (${matches} and st.payload_id = ${payloadId})`
        : errorsOnly
          ? `ps.any_error = true and ${payloadId} in (${matches})`
          : `${payloadId} = any(array(${matches}))`,
    )
  } else if (service !== undefined) {
    w.add(`exists (select 1 from payload_services sv
      where sv.payload_id = ${payloadId} and sv.service_id = ${w.param(service)})`)
  }
})

const HostRow = Schema.Struct({
  total: Schema.Number,
  succeeded: Schema.Number,
  first_seen: Schema.NullOr(Schema.Number),
  last_seen: Schema.NullOr(Schema.Number),
  inventory_ids: Schema.NullOr(Schema.Array(Schema.String)),
  system_ids: Schema.NullOr(Schema.Array(Schema.String)),
  payloads: Schema.NullOr(Schema.Array(PayloadRow)),
  services: Schema.NullOr(Schema.Array(ServiceSummaryRow)),
})

const json = (columns: string) =>
  `json_build_object(${columns
    .split(",")
    .map((c) => c.trim())
    .map((c) => {
      const [expr, name] = c.includes(" as ") ? c.split(" as ") : [c, c.replace(/^.*\./u, "")]
      return `'${name!.trim()}', ${expr!.trim()}`
    })
    .join(", ")})`

/**
 * A host's uploads in one prepared statement (one round trip, planned once per connection): its payloads
 * (the partial index on the host column) with their summary rows, the totals over them, the newest `limit`
 * as the page and the service summaries of the page. Only payloads with a summary count, as before.
 */
const HOST_HISTORY = (field: "inventory_id" | "system_id") => `with h as materialized (
  select p.id, p.request_id, p.account, p.inventory_id, p.system_id, p.created_at, p.org_id,
    ps.any_error, ps.open_services, ps.last_date
  from payloads p join payload_summaries ps on ps.payload_id = p.id
  where p.${field} = $1 and p.${field} <> ''
), page as materialized (select * from h order by created_at desc, id desc limit $2)
select count(*)::float8 as total,
  (count(*) filter (where not any_error and open_services = 0))::float8 as succeeded,
  ${micros("min(created_at)")} as first_seen, ${micros("max(last_date)")} as last_seen,
  array_agg(distinct inventory_id order by inventory_id) filter (where inventory_id <> '') as inventory_ids,
  array_agg(distinct system_id order by system_id) filter (where system_id <> '') as system_ids,
  (select json_agg(${json(`g.id::float8 as id, g.request_id as request_id, g.account as account,
     g.inventory_id as inventory_id, g.system_id as system_id, ${micros("g.created_at")} as created_at,
     g.org_id as org_id`)} order by g.created_at desc, g.id desc) from page g) as payloads,
  (select json_agg(${json(`s.payload_id::float8 as payload_id, n.name as service,
     ${micros("s.first_date")} as first_date, ${micros("s.last_date")} as last_date,
     ${micros("s.first_received")} as first_received, ${micros("s.last_received")} as last_received,
     ${micros("s.last_terminal")} as last_terminal, s.saw_error as saw_error,
     ${micros("s.first_error_date")} as first_error_date, s.first_error_status as first_error_status,
     s.first_error_msg as first_error_msg, ${micros("s.last_status_date")} as last_status_date,
     s.last_status as last_status, s.last_status_msg as last_status_msg`)})
   from payload_services s join services n on n.id = s.service_id
   where s.payload_id in (select id from page)) as services
from h`

const HOST_BY = { inventory_id: HOST_HISTORY("inventory_id"), system_id: HOST_HISTORY("system_id") }

/** A host's uploads (docs/api.md), from the payloads' host columns (partial indexes) and their summaries. */
export const hostHistory = (sql: SqlClient["Service"]) =>
  Effect.fnUntraced(function* (q: HostHistoryQuery) {
    const field =
      q.inventory_id !== undefined ? "inventory_id" : q.system_id !== undefined ? "system_id" : undefined
    const value = field === undefined ? undefined : q[field]
    if (field === undefined || value === undefined || value === "") return undefined
    const [t] = yield* sql
      .query(HOST_BY[field], [value, q.limit], { prepare: `pt_host_history_${field}` })
      .pipe(Effect.flatMap(decodeRows(HostRow)))
    if (t === undefined || t.total === 0 || t.first_seen === null || t.last_seen === null) return undefined
    const summaries = summariesOf(t.services ?? [])
    return {
      uploads: (t.payloads ?? []).flatMap((payload) => {
        const summary = summaries.get(payload.id)
        return summary === undefined ? [] : [{ payload, summary }]
      }),
      inventory_ids: t.inventory_ids ?? [],
      system_ids: t.system_ids ?? [],
      firstSeen: Micros.make(t.first_seen),
      lastSeen: Micros.make(t.last_seen),
      total: t.total,
      succeeded: t.succeeded,
    } satisfies HostHistory
  })
