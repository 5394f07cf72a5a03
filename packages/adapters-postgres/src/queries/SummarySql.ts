/**
 * The SQL of the payload summary (packages/domain/src/Summary.ts; docs/postgres.md, "The payload summary"):
 *
 * - `payload_summaries`: one row per payload with what the outcome filter needs (`any_error`, the number of
 *   `open` services, the latest status date, `created_at`: the payload's, same rule), and the merged fields of
 *   each service's ServiceSummary packed as parallel arrays in service id order (migration
 *   Migration20261202000000PackedSummary): one row to write per payload and batch instead of one per service.
 * - `payload_services`: a view with one row per payload and service, unpacked from those arrays, for the reads.
 *
 * The write merges in SQL, in the statement that stores the batch's statuses (summaryCtes): it summarizes the
 * batch's statuses per payload and service, merges that with the stored row, and writes the row back.
 * It reads the stored row while holding the payload row's lock (taken by the payload upsert earlier in the
 * transaction), so no concurrent writer can change it meanwhile. Every field is a commutative, idempotent merge
 * (packages/domain/src/Summary.ts): the earliest or latest date, an "or", the least or greatest (date, status,
 * status_msg). Text ties compare in "C" order, the domain's `compareText`.
 */
import { ERROR_STATUSES, RECEIVED, SUCCESS_STATUSES } from "@pt/domain/StatusVocabulary"
import { micros, timestampFromMicros } from "../SqlFragments.ts"
import { SummaryFlag } from "../SummaryFlags.ts"

const literals = (words: ReadonlyArray<string>) => words.map((w) => `'${w.replaceAll("'", "''")}'`).join(", ")

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

const FIRST_ERROR = ["first_error_date", "first_error_status", "first_error_msg"] as const
const LAST_STATUS = ["last_status_date", "last_status", "last_status_msg"] as const

/**
 * Each payload's and service's summary of the statuses a CTE `src` (payload_id, service_id, date as int8 micros,
 * status_id, status_msg, flags) holds, as CTE `r`: the same fields and tie rules as the domain's `statusSummary`
 * merged with `mergeServiceSummary` (Summary.ts). `flags` (SummaryFlags.ts) says which status is the group's
 * latest and which its earliest error, and what kind each word is, so every field is a plain aggregate with a
 * bit test: one pass, no sort. `statusName` maps a status id to its name (once per group, not per status). The
 * write path runs it on a batch's statuses with the flags computed in Node, the rebuilds on the stored ones with
 * the flags computed in SQL (storedStatuses).
 */
const serviceSummaries = (statusName: (id: string) => string) => `r as (
  select payload_id, service_id, min(date) as first_date, max(date) as last_date,
    min(date) filter (where ${has("received")}) as first_received,
    max(date) filter (where ${has("received")}) as last_received,
    max(date) filter (where ${has("terminal")}) as last_terminal,
    bool_or(${has("error")}) as saw_error, bool_or(${has("maybeStored")}) as maybe_stored,
    ${pointAggregates(FIRST_ERROR, "firstError", statusName)},
    ${pointAggregates(LAST_STATUS, "lastStatus", statusName)}
  from src group by payload_id, service_id
)`

/** Whether a `src` row has a SummaryFlag. */
const has = (flag: keyof typeof SummaryFlag) => `flags & ${SummaryFlag[flag]} <> 0`

/** A status point's (date, status, status_msg) columns, from the one row of its group flagged `flag`. */
const pointAggregates = (
  columns: typeof FIRST_ERROR | typeof LAST_STATUS,
  flag: "firstError" | "lastStatus",
  statusName: (id: string) => string,
) =>
  [
    `min(date) filter (where ${has(flag)}) as ${columns[0]}`,
    `${statusName(`min(status_id) filter (where ${has(flag)})`)} as ${columns[1]}`,
    `min(status_msg) filter (where ${has(flag)}) as ${columns[2]}`,
  ].join(", ")

/**
 * The columns of `payload_summaries` after `created_at`, aggregated from one row per payload and service of
 * `from` (dates as int8 micros). The arrays line up whatever the order, since every aggregate of a group reads
 * its rows in the same sequence; callers feed rows sorted by (payload_id, service_id) from a subquery, so the
 * services come in id order without a sort per aggregate and group.
 */
const packedAggregates = (from: string) => `${timestampFromMicros(`max(${from}.last_date)`)} as last_date,
  bool_or(${from}.saw_error) as any_error, count(*) filter (where ${isOpen(from)})::int4 as open_services,
  array_agg(${from}.service_id) as service_ids,
  ${SERVICE_COLUMNS.map((c, i) => `array_agg(${from}.${c}) as ${PACKED_COLUMNS[i]}`).join(",\n  ")}`

const SUMMARY_COLUMNS = `payload_id, created_at, last_date, any_error, open_services, service_ids, ${PACKED_COLUMNS.join(", ")}`

/** Whether a CTE row's (date, status, status_msg) point `a` is before `b` (both columns prefixed). */
const before = (a: string, b: string, point: readonly [string, string, string]) =>
  `(${point.map((c) => `${a}.${c}`).join(", ")}) < (${point.map((c) => `${b}.${c}`).join(", ")})`

/**
 * The summary's CTEs, appended to the statuses insert (PostgresPayloadStore.ts) so a batch is one statement. They
 * read the batch from the insert's own parameters ($1 payload ids, $2 service ids, $4 status ids, $5 messages,
 * $6 dates as int8 micros; sorted by payload id and service id), `$statusNames`, the status names by id (text[],
 * element `id` is the name of status id `id`), and each status's SummaryFlags (int2[]) in the `batch` CTE.
 *
 * The statuses are summarized per payload and service (`r`, a streaming aggregate over the sorted input). A
 * payload this transaction created (no `maybeStored` flag) cannot have a stored row: it is packed straight from
 * `r` (`packed_fresh`, a plain insert: no conflict check, no speculative-insertion record). The others are
 * looked up (`stored`) and merged field by field (`m`) with their stored row if they have one (unpacked by
 * subscript in `old`: an unnest of the thirteen arrays costs several times more), packed again
 * (`packed_merged`) and written in payload order, replacing their row unless nothing changed (a redelivery
 * writes nothing). Statuses the batch did not insert (already stored) are merged
 * too: every field is idempotent, so they change nothing. `finished`: the stages the batch finished
 * (RecordResult.finished: open before or new, not open now).
 */
export const summaryCtes = (params: { readonly batch: string; readonly statusNames: number }) => `src as (
  select u.p as payload_id, u.sv as service_id, u.d as date, u.st as status_id, u.m collate "C" as status_msg, u.flags
  from ${params.batch} u
  order by 1, 2
), ${serviceSummaries((id) => `($${params.statusNames}::text[])[${id}] collate "C"`)}, stored as (
  select t.* from payload_summaries t
  where t.payload_id = any(array(select distinct payload_id from r where r.maybe_stored))
), old as (
  select t.payload_id, ${["service_ids", ...PACKED_COLUMNS].map((c, i) => `t.${c}[k] as ${["service_id", ...SERVICE_COLUMNS][i]}`).join(", ")}
  from stored t cross join lateral generate_subscripts(t.service_ids, 1) k
), m as (
  select coalesce(n.payload_id, o.payload_id) as payload_id, coalesce(n.service_id, o.service_id) as service_id,
    least(n.first_date, o.first_date) as first_date, greatest(n.last_date, o.last_date) as last_date,
    least(n.first_received, o.first_received) as first_received,
    greatest(n.last_received, o.last_received) as last_received,
    greatest(n.last_terminal, o.last_terminal) as last_terminal,
    coalesce(n.saw_error, false) or coalesce(o.saw_error, false) as saw_error,
    ${FIRST_ERROR.map((c) => `case when c.new_error then n.${c} else o.${c} end as ${c}`).join(",\n    ")},
    ${LAST_STATUS.map((c) => `case when c.new_last then n.${c} else o.${c} end as ${c}`).join(",\n    ")},
    n.payload_id is not null and (o.payload_id is null or ${isOpen("o")}) as was_open
  from (select * from r where r.maybe_stored) n
  full join old o on o.payload_id = n.payload_id and o.service_id = n.service_id
  cross join lateral (select
    o.first_error_date is null or (n.first_error_date is not null and ${before("n", "o", FIRST_ERROR)}) as new_error,
    o.payload_id is null or (n.payload_id is not null and ${before("o", "n", LAST_STATUS)}) as new_last) c
), packed_fresh as (
  select f.payload_id, ${timestampFromMicros("min(f.first_date)")} as created_at, ${packedAggregates("f")}
  from (select * from r where not r.maybe_stored order by payload_id, service_id) f group by f.payload_id
), packed_merged as (
  select m.payload_id, ${timestampFromMicros("min(m.first_date)")} as created_at, ${packedAggregates("m")}
  from (select * from m order by payload_id, service_id) m group by m.payload_id
), fresh_summaries as (
  insert into payload_summaries (${SUMMARY_COLUMNS})
  select ${SUMMARY_COLUMNS} from packed_fresh
), merged_summaries as (
  insert into payload_summaries as t (${SUMMARY_COLUMNS})
  select ${SUMMARY_COLUMNS} from packed_merged order by payload_id
  on conflict (payload_id) do update set
    ${SUMMARY_COLUMNS.split(", ")
      .slice(1)
      .map((c) => `${c} = excluded.${c}`)
      .join(", ")}
  where (${PACKED_COLUMNS.map((c) => `t.${c}`).join(", ")}) is distinct from
    (${PACKED_COLUMNS.map((c) => `excluded.${c}`).join(", ")})
), finished as (
  select ${finishedStage("f")} from r f where not f.maybe_stored and not ${isOpen("f")}
  union all
  select ${finishedStage("m")} from m where m.was_open and not ${isOpen("m")}
)`

/** A finished stage of service row `t`: its service, whether it saw an error, its elapsed time (Lifecycle.ts). */
const finishedStage = (t: string) =>
  `${t}.service_id, ${t}.saw_error, greatest(0, ${t}.last_terminal - coalesce(${t}.first_received, ${t}.first_date)) as elapsed`

/** The view of the packed arrays as one row per payload and service (the layout the reads use). */
export const PAYLOAD_SERVICES_VIEW = `create view "payload_services" as
select t.payload_id, u.service_id, ${SERVICE_COLUMNS.map((c, i) =>
  PACKED_TYPES[i] === "int8"
    ? `${timestampFromMicros(`u.${c}`)} as ${c}`
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
  `insert into payload_summaries (${SUMMARY_COLUMNS})
   with ${storedStatuses(scope)}, ${serviceSummaries(storedStatusName)}
   select r.payload_id, (select p.created_at from payloads p where p.id = r.payload_id), ${packedAggregates("r")}
   from (select * from r order by payload_id, service_id) r
   group by r.payload_id`,
]

/**
 * The stored statuses of the payloads `scope` selects, as the CTE `src` of serviceSummaries, with their
 * SummaryFlags computed as SummaryFlags.ts does: the kinds from the status words, the latest and the earliest
 * error by window functions in the same order (date, status, status_msg in "C" order).
 */
const storedStatuses = (scope: string) => `src as (
     select payload_id, service_id, date, status_id, status_msg,
       case when status = '${RECEIVED}' then ${SummaryFlag.received} else 0 end
       | case when status in (${literals([...SUCCESS_STATUSES, ...ERROR_STATUSES])}) then ${SummaryFlag.terminal} else 0 end
       | case when error then ${SummaryFlag.error} else 0 end
       | case when row_number() over (partition by payload_id, service_id order by date desc, status desc, status_msg desc) = 1
           then ${SummaryFlag.lastStatus} else 0 end
       | case when error and row_number() over (partition by payload_id, service_id
           order by error desc, date, status, status_msg) = 1 then ${SummaryFlag.firstError} else 0 end as flags
     from (select s.payload_id, s.service_id, ${micros("s.date")}::int8 as date, s.status_id, n.name collate "C" as status,
         s.status_msg collate "C" as status_msg, n.name in (${literals(ERROR_STATUSES)}) as error
       from payload_statuses s join statuses n on n.id = s.status_id where ${scope}) s
   )`

/** The name of a status id, for the rebuilds' serviceSummaries. */
const storedStatusName = (id: string) => `(select n.name from statuses n where n.id = ${id}) collate "C"`

/**
 * The first layout's rebuild (separate `payload_services` table), kept for the applied migration
 * Migration20261201000000PayloadSummary, which backfills with it: rebuilds the summaries of the payloads `scope`
 * selects (a condition on `s.payload_id`) from their stored statuses. Same fields and tie rules as the domain's
 * `summarize`; a payload without statuses is left without summary rows.
 */
export const rebuildSummaries = (scope: string): ReadonlyArray<string> => [
  `delete from payload_services s where ${scope}`,
  `delete from payload_summaries s where ${scope}`,
  `insert into payload_services (payload_id, service_id, ${SERVICE_COLUMNS.join(", ")})
   with ${storedStatuses(scope)}, ${serviceSummaries(storedStatusName)}
   select r.payload_id, r.service_id, ${SERVICE_COLUMNS.map((c, i) => (PACKED_TYPES[i] === "int8" ? timestampFromMicros(`r.${c}`) : `r.${c}`)).join(", ")}
   from r`,
  `insert into payload_summaries (payload_id, created_at, last_date, any_error, open_services)
   select s.payload_id, p.created_at, max(s.last_date), bool_or(s.saw_error), count(*) filter (where ${isOpen("s")})
   from payload_services s join payloads p on p.id = s.payload_id where ${scope}
   group by s.payload_id, p.created_at`,
]

export const SUMMARY_SERVICE_COLUMNS = SERVICE_COLUMNS
