/**
 * The SQL of the payload summary (packages/domain/src/Summary.ts; docs/postgres.md, "The payload summary"):
 *
 * - `payload_services`: one row per payload and service with the merged fields of ServiceSummary.
 * - `payload_summaries`: one row per payload with what the outcome filter needs: `any_error`, the number of
 *   `open` services and the latest status date, plus `created_at` (the payload's, same rule) for the windows.
 *
 * Every merge is a least/greatest/or (order-insensitive, idempotent), except `open_services`, which the write
 * adds as a delta: each service row remembers in `prev_open` whether it was open before the update that wrote
 * it (the ON CONFLICT branch sees the latest committed row under its lock, so the deltas of concurrent writers
 * add up exactly). Text ties compare in "C" order, the domain's `compareText`.
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

// The merge of the stored row `s` with the batch's row `excluded`, column by column.
const newerError = `excluded.first_error_date is not null and (s.first_error_date is null or
  (excluded.first_error_date, excluded.first_error_status, excluded.first_error_msg)
  < (s.first_error_date, s.first_error_status, s.first_error_msg))`
const newerLast = `(excluded.last_status_date, excluded.last_status, excluded.last_status_msg)
  > (s.last_status_date, s.last_status, s.last_status_msg)`
const merged: Record<(typeof SERVICE_COLUMNS)[number], string> = {
  first_date: "least(s.first_date, excluded.first_date)",
  last_date: "greatest(s.last_date, excluded.last_date)",
  // least/greatest ignore NULLs: a missing date never wins.
  first_received: "least(s.first_received, excluded.first_received)",
  last_received: "greatest(s.last_received, excluded.last_received)",
  last_terminal: "greatest(s.last_terminal, excluded.last_terminal)",
  saw_error: "s.saw_error or excluded.saw_error",
  first_error_date: `case when ${newerError} then excluded.first_error_date else s.first_error_date end`,
  first_error_status: `case when ${newerError} then excluded.first_error_status else s.first_error_status end`,
  first_error_msg: `case when ${newerError} then excluded.first_error_msg else s.first_error_msg end`,
  last_status_date: `case when ${newerLast} then excluded.last_status_date else s.last_status_date end`,
  last_status: `case when ${newerLast} then excluded.last_status else s.last_status end`,
  last_status_msg: `case when ${newerLast} then excluded.last_status_msg else s.last_status_msg end`,
}

const ts = (param: string) => `(timestamptz 'epoch' + ${param} * interval '1 microsecond')`

const FRESH_OPEN = isOpen("s")
const insertedValues = `p, sv, ${ts("fd")}, ${ts("ld")}, ${ts("fr")}, ${ts("lr")}, ${ts("lt")}, se, ${ts("fed")}, fes, fem,
    ${ts("lsd")}, lss, lsm`
const RETURNED = `payload_id, service_id, saw_error, first_date, last_date,
    ${micros("last_terminal")} as last_terminal, ${micros("coalesce(first_received, first_date)")} as started`

/**
 * The summary's data-modifying CTEs, appended to the statuses insert (PostgresPayloadStore.ts) so a batch is one
 * round trip: the batch's summaries (merged per payload and service in JS by the domain's own merge, one row each,
 * parameters `$first` … `$first+14`) merged into the stored ones, and the payload rows adjusted. Then
 * `FINISHED_STAGES` reads the CTE `changed`.
 *
 * The rows of payloads this batch created (`nw`, from the payload upsert: nobody else can have written a summary
 * for a payload whose row is not committed yet) are plain inserts: no conflict check, no speculative-insertion
 * record, and their payload row is inserted with its counts. The others merge on conflict; rows go in
 * (payload_id, service_id) order, then payload order, so concurrent writers lock them in one global order. A
 * redelivery changes no service row (the WHERE skips rows the batch does not change) and so adds nothing to
 * `open_services`.
 */
export const summaryCtes = (first: number) => {
  const $ = (i: number) => `$${first + i}`
  return `batch as materialized (
  select * from unnest(${$(0)}::int8[], ${$(1)}::int4[], ${$(2)}::int8[], ${$(3)}::int8[], ${$(4)}::int8[],
    ${$(5)}::int8[], ${$(6)}::int8[], ${$(7)}::bool[], ${$(8)}::int8[], ${$(9)}::text[], ${$(10)}::text[],
    ${$(11)}::int8[], ${$(12)}::text[], ${$(13)}::text[], ${$(14)}::bool[])
    as u(p, sv, fd, ld, fr, lr, lt, se, fed, fes, fem, lsd, lss, lsm, nw)
), fresh as (
  insert into payload_services as s (payload_id, service_id, ${SERVICE_COLUMNS.join(", ")})
  select ${insertedValues} from batch where nw
  returning null::bool as prev_open, ${FRESH_OPEN} as open, ${RETURNED}
), merged as (
  insert into payload_services as s (payload_id, service_id, ${SERVICE_COLUMNS.join(", ")}, prev_open)
  select ${insertedValues}, null from batch where not nw order by p, sv
  on conflict (payload_id, service_id) do update set
    ${SERVICE_COLUMNS.map((c) => `${c} = ${merged[c]}`).join(",\n    ")},
    prev_open = ${isOpen("s")}
  where (${SERVICE_COLUMNS.map((c) => merged[c]).join(", ")})
    is distinct from (${SERVICE_COLUMNS.map((c) => `s.${c}`).join(", ")})
  returning prev_open, ${isOpen("s")} as open, ${RETURNED}
), changed as (
  select true as nw, * from fresh union all select false, * from merged
), delta as (
  select payload_id, bool_and(nw) as nw, sum(open::int - coalesce(prev_open, false)::int) as open_services,
    bool_or(saw_error) as any_error, min(first_date) as created_at, max(last_date) as last_date
  from changed group by payload_id
), fresh_payloads as (
  insert into payload_summaries (payload_id, created_at, last_date, any_error, open_services)
  select payload_id, created_at, last_date, any_error, open_services from delta where nw
), summarized as (
  insert into payload_summaries as t (payload_id, created_at, last_date, any_error, open_services)
  select payload_id, created_at, last_date, any_error, open_services from delta where not nw order by payload_id
  on conflict (payload_id) do update set
    created_at = least(t.created_at, excluded.created_at),
    last_date = greatest(t.last_date, excluded.last_date),
    any_error = t.any_error or excluded.any_error,
    open_services = t.open_services + excluded.open_services
  where excluded.open_services <> 0 or excluded.last_date > t.last_date or excluded.created_at < t.created_at
     or (excluded.any_error and not t.any_error)
)`
}

/**
 * The stages this batch finished (RecordResult.finished), from `summaryCtes`' `changed`: open before (or a new
 * row), terminal now. A row the batch did not change is not in `changed`, so a redelivery finishes nothing.
 */
export const FINISHED_STAGES = `select service_id, saw_error, last_terminal, started from changed
  where coalesce(prev_open, true) and not open`

/**
 * Rebuilds the summaries of the payloads `scope` selects (a condition on `s.payload_id`) from their stored
 * statuses: the migration's backfill and retention's repair after statuses were dropped. Same fields and tie
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
