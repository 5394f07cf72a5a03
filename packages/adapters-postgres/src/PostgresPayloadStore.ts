import { type FinishedStage, PayloadStore, type RecordResult } from "@pt/domain/ports/PayloadStore"
import { type StatusEvent, statusIdentity } from "@pt/domain/StatusEvent"
import { Micros } from "@pt/domain/Timestamp"
import { Effect, Schema } from "effect"
import type { LookupNames } from "./LookupNames.ts"
import { DEFAULT_WRITE_STATEMENT_TIMEOUT_MS } from "./PostgresConfig.ts"
import { summaryCtes } from "./queries/SummarySql.ts"
import { decodeCount, decodeRows } from "./Rows.ts"
import { type Queryable, type SqlClient, withTransaction } from "./SqlClient.ts"
import { noNul, timestampFromMicros } from "./SqlFragments.ts"
import { orUnavailable } from "./StoreErrors.ts"
import { SummaryFlag, summaryFlags } from "./SummaryFlags.ts"

/** Writers hold this advisory lock shared; retention takes it exclusive while deleting emptied payloads. */
export const PAYLOAD_CLEANUP_LOCK = 7_260_001

const clean = (e: StatusEvent): StatusEvent => ({
  request_id: e.request_id, // 32 hex: no NUL to strip
  service: noNul(e.service),
  source: noNul(e.source),
  status: noNul(e.status),
  status_msg: noNul(e.status_msg),
  date: e.date,
  account: noNul(e.account),
  org_id: noNul(e.org_id),
  inventory_id: noNul(e.inventory_id),
  system_id: noNul(e.system_id),
})

const latestNonEmpty = (column: string) =>
  `coalesce((array_agg(${column} order by n desc) filter (where ${column} <> ''))[1], '')`

// The payload merge rule (Payload.ts: the latest non-empty value in delivery order, the earliest date) is
// applied here, in one statement: first among the batch's events of a payload (grouped by request_id, `n` is
// the delivery order), then against the stored row on conflict. Rows go in one global lock order
// (request_id) so concurrent writers wait for each other instead of deadlocking.
const UPSERT_PAYLOADS = `
insert into payloads as p (request_id, account, org_id, inventory_id, system_id, created_at)
select r, ${latestNonEmpty("a")}, ${latestNonEmpty("o")}, ${latestNonEmpty("i")}, ${latestNonEmpty("s")},
  ${timestampFromMicros("min(c)")}
from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[])
  with ordinality as u(r, a, o, i, s, c, n)
group by r
order by r collate "C"
on conflict (request_id) do update set
  account = case when excluded.account <> '' then excluded.account else p.account end,
  org_id = case when excluded.org_id <> '' then excluded.org_id else p.org_id end,
  inventory_id = case when excluded.inventory_id <> '' then excluded.inventory_id else p.inventory_id end,
  system_id = case when excluded.system_id <> '' then excluded.system_id else p.system_id end,
  created_at = least(p.created_at, excluded.created_at)
where (excluded.account <> '' and excluded.account <> p.account)
   or (excluded.org_id <> '' and excluded.org_id <> p.org_id)
   or (excluded.inventory_id <> '' and excluded.inventory_id <> p.inventory_id)
   or (excluded.system_id <> '' and excluded.system_id <> p.system_id)
   or excluded.created_at < p.created_at
returning id::float8 as id, request_id, (xmax = 0) as inserted`

const UpsertedRow = Schema.Struct({ id: Schema.Number, request_id: Schema.String, inserted: Schema.Boolean })
const PayloadIdRow = Schema.Struct({ id: Schema.Number, request_id: Schema.String })

// The WHERE above skips no-op updates: a redelivered or uninformative status writes nothing to payloads, and
// its id is not returned. Those ids are read in a statement of their own: its snapshot sees rows that concurrent
// writers committed meanwhile (a CTE over the upsert would not).
const PAYLOAD_IDS = "select id::float8 as id, request_id from payloads where request_id = any($1::text[])"

// The rows actually inserted (duplicates skipped) are also counted, in the same statement: per hour/service/status
// for /stats (migration StatusCounts; sorted, so writers sharing a slot lock summary rows in one order), and in
// the totals with the batch's new payloads ($7; migration StoreCounts). The counter rows are held until the
// commit; the slot per connection keeps concurrent writers apart.
// `rows`: the batch's statuses as (p, sv, so, st, m, d): the unnest of the parameters, or the summary's
// materialized CTE of them (read twice, unnested once).
const statusCtes = (rows: string) => `inserted as (
  insert into payload_statuses (payload_id, service_id, source_id, status_id, status_msg, date)
  select p, sv, so, st, m, ${timestampFromMicros("d")}
  from ${rows}
  on conflict do nothing
  returning service_id, status_id, date
), counted as (
  insert into status_counts as c (hour, slot, service_id, status_id, n)
  select date_bin('1 hour', date, timestamptz 'epoch'), pg_backend_pid() % 16, service_id, status_id, count(*)
  from inserted group by 1, 3, 4 order by 1, 3, 4
  on conflict (hour, slot, service_id, status_id) do update set n = c.n + excluded.n
), totals as (
  insert into store_counts as t (slot, payloads, statuses)
  select pg_backend_pid() % 16, $7::int8, count(*) from inserted having $7::int8 > 0 or count(*) > 0
  on conflict (slot) do update set payloads = t.payloads + excluded.payloads, statuses = t.statuses + excluded.statuses
)`

const INSERT_STATUSES = `with ${statusCtes("unnest($1::int8[], $2::int4[], $3::int4[], $4::int4[], $5::text[], $6::int8[]) as u(p, sv, so, st, m, d)")}
select count(*)::float8 as n from inserted`

// The same with the summary's merge and writes (docs/postgres.md, "The payload summary") in the same statement:
// one round trip for both. It also answers the stages the batch finished, as [service id, saw an error, elapsed].
const INSERT_STATUSES_AND_SUMMARY = `with batch as materialized (
  select * from unnest($1::int8[], $2::int4[], $3::int4[], $4::int4[], $5::text[], $6::int8[], $9::int2[])
    as u(p, sv, so, st, m, d, flags)
), ${statusCtes("batch")}, ${summaryCtes({ batch: "batch", statusNames: 8 })}
select (select count(*) from inserted)::float8 as n,
  (select json_agg(json_build_array(service_id, saw_error, elapsed)) from finished) as finished`

const InsertedAndFinishedRow = Schema.Struct({
  n: Schema.Number,
  finished: Schema.NullOr(Schema.Array(Schema.Tuple([Schema.Number, Schema.Boolean, Schema.Number]))),
})

// Named prepared statements (SqlClient.ts; none behind a transaction pooler): parsed and planned once per
// connection instead of once per batch. The summary's statement is a large plan: 1.3 ms of planning per batch
// (pg_stat_statements, bench:store), the others ≈0.2 ms. Their plans do not depend on the values (unnests of
// the batch's arrays, probes by key), so PostgreSQL's generic plan is the one a custom plan would be.
const PREPARED = {
  upsert: { prepare: "pt_upsert_payloads" },
  payloadIds: { prepare: "pt_payload_ids" },
  statuses: { prepare: "pt_insert_statuses" },
  statusesAndSummary: { prepare: "pt_insert_statuses_and_summary" },
} as const

export interface PayloadStoreOptions {
  /** Where `ping` runs: a connection of its own, so health checks never wait behind user queries. Default `sql`. */
  readonly health?: Queryable
  /** statement_timeout of the write transaction (DB_WRITE_STATEMENT_TIMEOUT_MS). */
  readonly writeStatementTimeoutMs?: number
  /**
   * Benchmarks only (`bench:store`, `bench:ingest` through DB_WRITE_SUMMARY): `false` skips the summary's
   * statements, to measure what the summary costs; the fleet answers then go stale. Default `true`.
   */
  readonly summary?: boolean
}

/** The status names by id (element `id - 1` names status id `id`), for the summary's tie order (summaryCtes). */
const statusNamesById = (ids: ReadonlyMap<string, number>): Array<string | null> => {
  const names: Array<string | null> = []
  for (const [name, id] of ids) names[id - 1] = name
  return Array.from(names, (n) => n ?? null)
}

/** The indexes of `statuses` in (payload id, service id) order, ties in their given order. */
const byPayloadAndService = (
  statuses: ReadonlyArray<StatusEvent>,
  payloadIds: ReadonlyMap<string, number>,
  services: ReadonlyMap<string, number>,
): Array<number> => {
  const payload = statuses.map((e) => payloadIds.get(e.request_id)!)
  const service = statuses.map((e) => services.get(e.service)!)
  return Array.from(statuses.keys()).sort(
    (a, b) => payload[a]! - payload[b]! || service[a]! - service[b]! || a - b,
  )
}

const byKey = <A>([a]: readonly [string, A], [b]: readonly [string, A]) => (a < b ? -1 : a > b ? 1 : 0)

/**
 * The consumer's hot path: a batch of N events is three set-wise statements in one transaction (payloads; the
 * stored summaries of the payloads it did not create; statuses with the merged summaries; plus, rarely, one to
 * add new lookup names), whatever N is.
 */
export const makePostgresPayloadStore = (
  sql: SqlClient["Service"],
  names: LookupNames,
  options: PayloadStoreOptions = {},
) => {
  const health = options.health ?? sql
  const summary = options.summary ?? true
  const writeTimeout = {
    ms: options.writeStatementTimeoutMs ?? DEFAULT_WRITE_STATEMENT_TIMEOUT_MS,
    setting: "DB_WRITE_STATEMENT_TIMEOUT_MS",
  }

  const write = Effect.fnUntraced(function* (
    events: ReadonlyArray<StatusEvent>,
    statuses: Array<StatusEvent>,
  ) {
    // Outside the transaction: PGlite has one connection, and new names need not wait for the batch.
    const services = yield* names.ensure(
      "services",
      statuses.map((e) => e.service),
    )
    const sources = yield* names.ensure(
      "sources",
      statuses.flatMap((e) => (e.source === "" ? [] : [e.source])),
    )
    const statusNames = yield* names.ensure(
      "statuses",
      statuses.map((e) => e.status),
    )
    // The summary's own parameters (summaryCtes) are made before the transaction: the payload row locks it
    // takes make concurrent writers of the same payloads wait for its commit, so it does as little as it can.
    const summaryParams = summary
      ? { statusNames: statusNamesById(statusNames), flags: summaryFlags(statuses) }
      : undefined
    return yield* withTransaction(
      sql,
      Effect.fnUntraced(function* (tx) {
        yield* tx.query("select pg_advisory_xact_lock_shared($1)", [PAYLOAD_CLEANUP_LOCK])
        const upserted = yield* tx
          .query(
            UPSERT_PAYLOADS,
            [
              events.map((e) => e.request_id),
              events.map((e) => e.account),
              events.map((e) => e.org_id),
              events.map((e) => e.inventory_id),
              events.map((e) => e.system_id),
              events.map((e) => e.date),
            ],
            PREPARED.upsert,
          )
          .pipe(Effect.flatMap(decodeRows(UpsertedRow)))
        const payloadIds = new Map(upserted.map((r) => [r.request_id, r.id]))
        // A new row has no xmax; a row updated on conflict carries this transaction's id there.
        const created = new Set(upserted.flatMap((r) => (r.inserted ? [r.request_id] : [])))
        const unchanged = [...new Set(events.map((e) => e.request_id))].filter((id) => !payloadIds.has(id))
        if (unchanged.length > 0) {
          const found = yield* tx
            .query(PAYLOAD_IDS, [unchanged], PREPARED.payloadIds)
            .pipe(Effect.flatMap(decodeRows(PayloadIdRow)))
          for (const r of found) payloadIds.set(r.request_id, r.id)
        }
        // In (payload id, service id) order, the summary's grouping: it then aggregates the batch as it
        // streams, and the identity index (payload_id first) is filled in key order.
        const order = byPayloadAndService(statuses, payloadIds, services)
        const statusParams = [
          order.map((i) => payloadIds.get(statuses[i]!.request_id)!),
          order.map((i) => services.get(statuses[i]!.service)!),
          order.map((i) => (statuses[i]!.source === "" ? null : sources.get(statuses[i]!.source)!)),
          order.map((i) => statusNames.get(statuses[i]!.status)!),
          order.map((i) => statuses[i]!.status_msg),
          order.map((i) => statuses[i]!.date),
          created.size,
        ]
        if (summaryParams === undefined) {
          const inserted = yield* tx
            .query(INSERT_STATUSES, statusParams, PREPARED.statuses)
            .pipe(Effect.flatMap(decodeCount))
          return { inserted, finished: [] }
        }
        const [row] = yield* tx
          .query(
            INSERT_STATUSES_AND_SUMMARY,
            [
              ...statusParams,
              summaryParams.statusNames,
              // Only a payload this transaction did not create can have a stored summary.
              order.map(
                (i) =>
                  summaryParams.flags[i]! |
                  (created.has(statuses[i]!.request_id) ? 0 : SummaryFlag.maybeStored),
              ),
            ],
            PREPARED.statusesAndSummary,
          )
          .pipe(Effect.flatMap(decodeRows(InsertedAndFinishedRow)))
        const serviceNames = new Map([...services].map(([name, id]) => [id, name]))
        const finished = (row!.finished ?? []).map(
          ([service, sawError, elapsed]): FinishedStage => ({
            service: serviceNames.get(service) ?? "",
            state: sawError ? "error" : "success",
            elapsed: Micros.make(elapsed),
          }),
        )
        return { inserted: row!.n, finished }
      }),
      { statementTimeout: writeTimeout },
    )
  })

  const record = Effect.fn("PostgresStore.record")(function* (events: ReadonlyArray<StatusEvent>) {
    if (events.length === 0) return { inserted: 0, duplicates: 0 } satisfies RecordResult
    const cleaned = events.map(clean)
    const unique = new Map<string, StatusEvent>()
    for (const e of cleaned) {
      const key = statusIdentity(e)
      if (!unique.has(key)) unique.set(key, e)
    }
    const statuses = [...unique].sort(byKey).map(([, e]) => e)
    const { inserted, finished } = yield* write(cleaned, statuses)
    return { inserted, duplicates: events.length - inserted, finished } satisfies RecordResult
  }, orUnavailable("recording statuses"))

  return PayloadStore.of({
    record,
    ping: health
      .query("select 1")
      .pipe(Effect.asVoid, orUnavailable("pinging the database"), Effect.withSpan("PostgresStore.ping")),
  })
}
