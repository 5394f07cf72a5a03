import { PayloadStore, type RecordResult } from "@pt/domain/ports/PayloadStore"
import { type StatusEvent, statusIdentity } from "@pt/domain/StatusEvent"
import { Effect } from "effect"
import { DEFAULT_WRITE_STATEMENT_TIMEOUT_MS } from "./PostgresConfig.ts"
import { noNul, type Queryable, type SqlClient, timestampFromMicros, tryQuery } from "./SqlClient.ts"

/** Writers hold this advisory lock shared; retention takes it exclusive while deleting emptied payloads. */
export const PAYLOAD_CLEANUP_LOCK = 7_260_001

type LookupTable = "services" | "sources" | "statuses"

interface PayloadRow {
  account: string
  org_id: string
  inventory_id: string
  system_id: string
  created_at: number
}

const clean = (e: StatusEvent): StatusEvent => ({
  request_id: noNul(e.request_id),
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

/** Payload rows merged inside the batch first: latest non-empty value in delivery order, earliest date. */
const mergePayloads = (events: ReadonlyArray<StatusEvent>): Array<[string, PayloadRow]> => {
  const rows = new Map<string, PayloadRow>()
  for (const e of events) {
    const row = rows.get(e.request_id)
    if (row === undefined) {
      const { account, org_id, inventory_id, system_id, date } = e
      rows.set(e.request_id, { account, org_id, inventory_id, system_id, created_at: date })
      continue
    }
    if (e.account !== "") row.account = e.account
    if (e.org_id !== "") row.org_id = e.org_id
    if (e.inventory_id !== "") row.inventory_id = e.inventory_id
    if (e.system_id !== "") row.system_id = e.system_id
    if (e.date < row.created_at) row.created_at = e.date
  }
  // One global lock order (request_id) so concurrent writers wait for each other instead of deadlocking.
  return [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

const UPSERT_PAYLOADS = `
insert into payloads as p (request_id, account, org_id, inventory_id, system_id, created_at)
select r, a, o, i, s, ${timestampFromMicros("c")}
from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int8[]) as u(r, a, o, i, s, c)
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

// The WHERE above skips no-op updates: a redelivered or uninformative status writes nothing to payloads, and
// its id is not returned. Those ids are read in a statement of their own: its snapshot sees rows that concurrent
// writers committed meanwhile (a CTE over the upsert would not).
const PAYLOAD_IDS = "select id::float8 as id, request_id from payloads where request_id = any($1::text[])"

// The rows actually inserted (duplicates skipped) are also counted, in the same statement: per hour/service/status
// for /stats (migration StatusCounts; sorted, so writers sharing a slot lock summary rows in one order), and in
// the totals with the batch's new payloads ($7; migration StoreCounts). It is the batch's last statement, so the
// counter rows are held only until the commit; the slot per connection keeps concurrent writers apart.
const INSERT_STATUSES = `
with inserted as (
  insert into payload_statuses (payload_id, service_id, source_id, status_id, status_msg, date)
  select p, sv, so, st, m, ${timestampFromMicros("d")}
  from unnest($1::int8[], $2::int4[], $3::int4[], $4::int4[], $5::text[], $6::int8[]) as u(p, sv, so, st, m, d)
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
)
select count(*)::float8 as n from inserted`

export interface PayloadStoreOptions {
  /** Where `ping` runs: a connection of its own, so health checks never wait behind user queries. Default `sql`. */
  readonly health?: Queryable
  /** statement_timeout of the write transaction (DB_WRITE_STATEMENT_TIMEOUT_MS). */
  readonly writeStatementTimeoutMs?: number
}

/**
 * The consumer's hot path: a batch of N events is two set-wise statements in one transaction (plus, rarely,
 * one to add new lookup names), whatever N is.
 */
export const makePostgresPayloadStore = (sql: SqlClient, options: PayloadStoreOptions = {}) =>
  Effect.sync(() => {
    const health = options.health ?? sql
    const writeTimeout = {
      ms: options.writeStatementTimeoutMs ?? DEFAULT_WRITE_STATEMENT_TIMEOUT_MS,
      setting: "DB_WRITE_STATEMENT_TIMEOUT_MS",
    }
    const lookupIds: Record<LookupTable, Map<string, number>> = {
      services: new Map(),
      sources: new Map(),
      statuses: new Map(),
    }

    // New names are committed on their own (ON CONFLICT: concurrent writers of the same name both succeed);
    // ids never change afterwards, so the cache needs no invalidation.
    const resolve = async (table: LookupTable, names: Iterable<string>): Promise<Map<string, number>> => {
      const cache = lookupIds[table]
      const missing = [...new Set(names)].filter((n) => !cache.has(n)).sort()
      if (missing.length > 0) {
        const added = await sql.query(
          `insert into ${table} (name) select unnest($1::text[]) on conflict (name) do nothing`,
          [missing],
        )
        // Autovacuum never analyzes a table of a few rows (threshold: 50 changed rows), and without statistics
        // the planner guesses ≈1,270 rows for each lookup table; the reads iterate over them (loose index scan).
        if (added.count > 0) await sql.query(`analyze ${table}`)
        const found = await sql.query<{ id: number; name: string }>(
          `select id, name from ${table} where name = any($1::text[])`,
          [missing],
        )
        for (const row of found.rows) cache.set(row.name, row.id)
      }
      return cache
    }

    const write = async (payloads: Array<[string, PayloadRow]>, statuses: Array<StatusEvent>) => {
      // Outside the transaction: PGlite has one connection, and new names need not wait for the batch.
      const services = await resolve(
        "services",
        statuses.map((e) => e.service),
      )
      const sources = await resolve(
        "sources",
        statuses.flatMap((e) => (e.source === "" ? [] : [e.source])),
      )
      const statusNames = await resolve(
        "statuses",
        statuses.map((e) => e.status),
      )
      return sql.transaction(
        async (tx) => {
          await tx.query("select pg_advisory_xact_lock_shared($1)", [PAYLOAD_CLEANUP_LOCK])
          const upserted = await tx.query<{ id: number; request_id: string; inserted: boolean }>(
            UPSERT_PAYLOADS,
            [
              payloads.map(([id]) => id),
              payloads.map(([, p]) => p.account),
              payloads.map(([, p]) => p.org_id),
              payloads.map(([, p]) => p.inventory_id),
              payloads.map(([, p]) => p.system_id),
              payloads.map(([, p]) => p.created_at),
            ],
          )
          const payloadIds = new Map(upserted.rows.map((r) => [r.request_id, r.id]))
          const unchanged = payloads.flatMap(([id]) => (payloadIds.has(id) ? [] : [id]))
          if (unchanged.length > 0) {
            const found = await tx.query<{ id: number; request_id: string }>(PAYLOAD_IDS, [unchanged])
            for (const r of found.rows) payloadIds.set(r.request_id, r.id)
          }
          // A new row has no xmax; a row updated on conflict carries this transaction's id there.
          const newPayloads = upserted.rows.reduce((n, r) => (r.inserted ? n + 1 : n), 0)
          const statusRows = await tx.query<{ n: number }>(INSERT_STATUSES, [
            statuses.map((e) => payloadIds.get(e.request_id)!),
            statuses.map((e) => services.get(e.service)!),
            statuses.map((e) => (e.source === "" ? null : sources.get(e.source)!)),
            statuses.map((e) => statusNames.get(e.status)!),
            statuses.map((e) => e.status_msg),
            statuses.map((e) => e.date),
            newPayloads,
          ])
          return statusRows.rows[0]?.n ?? 0
        },
        { statementTimeout: writeTimeout },
      )
    }

    const record = Effect.fnUntraced(function* (events: ReadonlyArray<StatusEvent>) {
      if (events.length === 0) return { inserted: 0, duplicates: 0 } satisfies RecordResult
      const cleaned = events.map(clean)
      const unique = new Map<string, StatusEvent>()
      for (const e of cleaned) {
        const key = statusIdentity(e)
        if (!unique.has(key)) unique.set(key, e)
      }
      const statuses = [...unique].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e)
      const payloads = mergePayloads(cleaned)
      const inserted = yield* tryQuery("recording statuses", () => write(payloads, statuses))
      return { inserted, duplicates: events.length - inserted } satisfies RecordResult
    })

    return PayloadStore.of({
      record,
      ping: tryQuery("pinging the database", () => health.query("select 1")).pipe(Effect.asVoid),
    })
  })
