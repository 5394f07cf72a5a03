/**
 * The SQL of the payload summary (packages/domain/src/Summary.ts; docs/postgres.md, "The payload summary"):
 *
 * - `payload_summaries`: one row per payload with what the outcome filter needs (`any_error`, the number of
 *   `open` services, the latest status date, `created_at`: the payload's, same rule), and the merged fields of
 *   each service's ServiceSummary packed as parallel arrays in service id order (migration
 *   Migration20261202000000PackedSummary): one row to write per payload and batch instead of one per service.
 * - `payload_services`: a view with one row per payload and service, unpacked from those arrays, for the reads.
 *
 * The write merges in JS with the domain's own merge (PostgresPayloadStore.ts): it reads the stored row while
 * holding the payload row's lock (taken by the payload upsert), so no concurrent writer can change it meanwhile,
 * and writes the merged row back. Text ties compare in "C" order, the domain's `compareText`.
 */
import { ERROR_STATUSES, RECEIVED, SUCCESS_STATUSES } from "@pt/domain/StatusVocabulary"
import { micros } from "../SqlFragments.ts"

const literals = (words: ReadonlyArray<string>) => words.map((w) => `'${w.replaceAll("'", "''")}'`).join(", ")
const IS_ERROR = (status: string) => `${status} in (${literals(ERROR_STATUSES)})`
const IS_TERMINAL = (status: string) => `${status} in (${literals([...SUCCESS_STATUSES, ...ERROR_STATUSES])})`
const IS_RECEIVED = (status: string) => `${status} = '${RECEIVED}'`

/** Whether a service row is `open` (Lifecycle.ts: no error, and no terminal status or a `received` after it). */
export const isOpen = (t: string) =>
  `(not ${t}.saw_error and (${t}.last_terminal is null or coalesce(${t}.last_received > ${t}.last_terminal, false)))`

const SERVICE_COLUMNS = [
  "first_date",
  "last_date",
  "first_received",
  "last_received",
  "last_terminal",
  "saw_error",
  "first_error_date",
  "first_error_status",
  "first_error_msg",
  "last_status_date",
  "last_status",
  "last_status_msg",
] as const

const ts = (param: string) => `(timestamptz 'epoch' + ${param} * interval '1 microsecond')`

/** The packed per-service arrays of `payload_summaries`, in the order of SERVICE_COLUMNS (dates as int8 micros). */
export const PACKED_COLUMNS = [
  "first_dates",
  "last_dates",
  "first_receiveds",
  "last_receiveds",
  "last_terminals",
  "saw_errors",
  "first_error_dates",
  "first_error_statuses",
  "first_error_msgs",
  "last_status_dates",
  "last_statuses",
  "last_status_msgs",
] as const

const PACKED_TYPES = [
  "int8",
  "int8",
  "int8",
  "int8",
  "int8",
  "bool",
  "int8",
  "text",
  "text",
  "int8",
  "text",
  "text",
]

/**
 * The stored summaries of the payloads `$1` (request ids), with their ids: dates as float8 (micros fit exactly),
 * so both drivers answer numbers. A payload without summary row has null arrays.
 */
export const STORED_SUMMARIES = `select p.id::float8 as id, p.request_id, s.service_ids,
  ${PACKED_COLUMNS.map((c, i) => (PACKED_TYPES[i] === "int8" ? `s.${c}::float8[] as ${c}` : `s.${c}`)).join(", ")}
from payloads p left join payload_summaries s on s.payload_id = p.id where p.request_id = any($1::text[])`

/**
 * The summary's data-modifying CTEs, appended to the statuses insert (PostgresPayloadStore.ts) so a batch is one
 * round trip. Parameters from `$first`: the merged rows of the payloads whose summary changed, one per (payload,
 * service) in (payload, service) order (14 arrays: payload id, service id, then SERVICE_COLUMNS), and one per
 * payload (6 arrays: id, created_at, last_date, any_error, open_services, whether the batch created it). A payload
 * the batch created is a plain insert (no conflict check, no speculative-insertion record); the others replace
 * their row (merged in JS from the stored one under the payload row lock), in payload order.
 */
export const summaryCtes = (first: number) => {
  const $ = (i: number) => `$${first + i}`
  const service = PACKED_TYPES.map((type, i) => `${$(i + 2)}::${type}[]`).join(", ")
  const columns = `payload_id, created_at, last_date, any_error, open_services, service_ids, ${PACKED_COLUMNS.join(", ")}`
  const values = `id, ${ts("ca")}, ${ts("ld")}, ae, os, service_ids, ${PACKED_COLUMNS.join(", ")}`
  return `summary_services as (
  select * from unnest(${$(0)}::int8[], ${$(1)}::int4[], ${service})
    as u(p, sv, ${PACKED_COLUMNS.join(", ")})
), packed as (
  select p, array_agg(sv order by sv) as service_ids,
    ${PACKED_COLUMNS.map((c) => `array_agg(${c} order by sv) as ${c}`).join(",\n    ")}
  from summary_services group by p
), summary_rows as materialized (
  select * from unnest(${$(14)}::int8[], ${$(15)}::int8[], ${$(16)}::int8[], ${$(17)}::bool[], ${$(18)}::int4[],
    ${$(19)}::bool[]) as u(id, ca, ld, ae, os, nw)
  join packed on packed.p = u.id
), fresh_summaries as (
  insert into payload_summaries (${columns})
  select ${values} from summary_rows where nw
), merged_summaries as (
  insert into payload_summaries as t (${columns})
  select ${values} from summary_rows where not nw order by id
  on conflict (payload_id) do update set
    ${columns
      .split(", ")
      .slice(1)
      .map((c) => `${c} = excluded.${c}`)
      .join(", ")}
)`
}

/** The view of the packed arrays as one row per payload and service (the layout the reads use). */
export const PAYLOAD_SERVICES_VIEW = `create view "payload_services" as
select t.payload_id, u.service_id, ${SERVICE_COLUMNS.map((c, i) =>
  PACKED_TYPES[i] === "int8"
    ? `${ts(`u.${c}`)} as ${c}`
    : PACKED_TYPES[i] === "text"
      ? `u.${c} collate "C" as ${c}`
      : `u.${c}`,
).join(", ")}
from payload_summaries t
cross join lateral unnest(t.service_ids, ${PACKED_COLUMNS.map((c) => `t.${c}`).join(", ")})
  as u(service_id, ${SERVICE_COLUMNS.join(", ")})`

/**
 * Rebuilds the packed summaries of the payloads `scope` selects (a condition on `s.payload_id`) from their stored
 * statuses: the backfill of Migration20261202000000PackedSummary's tests and retention's repair after statuses
 * were dropped. Same fields and tie rules as the domain's `summarize`; a payload without statuses is left without
 * a summary row.
 */
export const rebuildPackedSummaries = (scope: string): ReadonlyArray<string> => [
  `delete from payload_summaries s where ${scope}`,
  `insert into payload_summaries (payload_id, created_at, last_date, any_error, open_services, service_ids,
     ${PACKED_COLUMNS.join(", ")})
   with src as materialized (
     select s.payload_id, s.service_id, s.date, n.name as status, s.status_msg
     from payload_statuses s join statuses n on n.id = s.status_id where ${scope}
   ), g as (
     select payload_id, service_id, min(date) as first_date, max(date) as last_date,
       min(date) filter (where ${IS_RECEIVED("status")}) as first_received,
       max(date) filter (where ${IS_RECEIVED("status")}) as last_received,
       max(date) filter (where ${IS_TERMINAL("status")}) as last_terminal, bool_or(${IS_ERROR("status")}) as saw_error
     from src group by payload_id, service_id
   ), e as (
     select distinct on (payload_id, service_id) payload_id, service_id, date, status, status_msg
     from src where ${IS_ERROR("status")} order by payload_id, service_id, date, status, status_msg
   ), l as (
     select distinct on (payload_id, service_id) payload_id, service_id, date, status, status_msg
     from src order by payload_id, service_id, date desc, status desc, status_msg desc
   ), r as (
     select g.*, e.date as first_error_date, e.status as first_error_status, e.status_msg as first_error_msg,
       l.date as last_status_date, l.status as last_status, l.status_msg as last_status_msg
     from g join l using (payload_id, service_id) left join e using (payload_id, service_id)
   )
   select r.payload_id, p.created_at, max(r.last_date), bool_or(r.saw_error), count(*) filter (where ${isOpen("r")}),
     array_agg(r.service_id order by r.service_id),
     ${SERVICE_COLUMNS.map((c, i) => `array_agg(${PACKED_TYPES[i] === "int8" ? `${micros(`r.${c}`)}::int8` : `r.${c}`} order by r.service_id)`).join(",\n     ")}
   from r join payloads p on p.id = r.payload_id
   group by r.payload_id, p.created_at`,
]

/**
 * The first layout's rebuild (separate `payload_services` table), kept as it was for the applied migration
 * Migration20261201000000PayloadSummary, which backfills with it: rebuilds the summaries of the payloads `scope`
 * selects (a condition on `s.payload_id`) from their stored statuses. Same fields and tie
 * rules as the domain's `summarize`; a payload without statuses is left without summary rows.
 */
export const rebuildSummaries = (scope: string): ReadonlyArray<string> => [
  `delete from payload_services s where ${scope}`,
  `delete from payload_summaries s where ${scope}`,
  `insert into payload_services (payload_id, service_id, ${SERVICE_COLUMNS.join(", ")})
   with src as materialized (
     select s.payload_id, s.service_id, s.date, n.name as status, s.status_msg
     from payload_statuses s join statuses n on n.id = s.status_id where ${scope}
   ), g as (
     select payload_id, service_id, min(date) as fd, max(date) as ld,
       min(date) filter (where ${IS_RECEIVED("status")}) as fr, max(date) filter (where ${IS_RECEIVED("status")}) as lr,
       max(date) filter (where ${IS_TERMINAL("status")}) as lt, bool_or(${IS_ERROR("status")}) as se
     from src group by payload_id, service_id
   ), e as (
     select distinct on (payload_id, service_id) payload_id, service_id, date, status, status_msg
     from src where ${IS_ERROR("status")} order by payload_id, service_id, date, status, status_msg
   ), l as (
     select distinct on (payload_id, service_id) payload_id, service_id, date, status, status_msg
     from src order by payload_id, service_id, date desc, status desc, status_msg desc
   )
   select g.payload_id, g.service_id, g.fd, g.ld, g.fr, g.lr, g.lt, g.se, e.date, e.status, e.status_msg,
     l.date, l.status, l.status_msg
   from g join l using (payload_id, service_id) left join e using (payload_id, service_id)`,
  `insert into payload_summaries (payload_id, created_at, last_date, any_error, open_services)
   select s.payload_id, p.created_at, max(s.last_date), bool_or(s.saw_error), count(*) filter (where ${isOpen("s")})
   from payload_services s join payloads p on p.id = s.payload_id where ${scope}
   group by s.payload_id, p.created_at`,
]

export const SUMMARY_SERVICE_COLUMNS = SERVICE_COLUMNS
