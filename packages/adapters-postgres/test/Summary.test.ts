import { payloadLifecycle } from "@pt/domain/Lifecycle"
import type { PayloadListQuery } from "@pt/domain/Queries"
import type { StatusEvent } from "@pt/domain/StatusEvent"
import { summarize } from "@pt/domain/Summary"
import { Micros } from "@pt/domain/Timestamp"
import { freshId, statusEvent } from "@pt/domain/testing/Fixtures"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { migrateDown, migrateUp } from "../src/Migrate.ts"
import { migrationsList } from "../src/migrations/Migrations.ts"
import { ensurePartitions, startOfDay } from "../src/Partitions.ts"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import { applyRetention } from "../src/Retention.ts"
import { createTestDatabase, dropTestDatabase } from "../testing/PostgresTestServer.ts"
import { openStore } from "../testing/StoreHarness.ts"

// The PostgreSQL side of the summary that the contract suite (SummarySuite.ts) cannot see: the migration's
// backfill, retention's repair, concurrent writers of one payload, and the payload rows agreeing with the
// service rows. Every date derives from the clock.
const DAY = 86_400_000
const HOUR = 3_600_000_000
const MINUTE = 60_000_000
const url = inject("databaseUrl")
let config: PostgresConfig
beforeAll(async () => {
  config = await createTestDatabase(url, "summary")
})
afterAll(() => dropTestDatabase(url, config))

type Store = Effect.Success<ReturnType<typeof openStore>>
const run = <A>(f: (s: Store) => Promise<A>) =>
  Effect.runPromise(Effect.scoped(Effect.flatMap(openStore(config), (s) => Effect.promise(() => f(s)))))

const query = (q: Partial<PayloadListQuery>): PayloadListQuery => ({
  created_at: {},
  sortBy: "created_at",
  sortDir: "desc",
  page: 0,
  pageSize: 50,
  ...q,
})
const storedSummary = async (s: Store, request_id: string) =>
  (await Effect.runPromise(s.queries.listPayloads(query({ request_id, withSummary: true })))).data[0]?.summary

/** Every payload row agrees with its service rows (what a rebuild from them would give). */
const inconsistentPayloads = (s: Store) =>
  s.pg.query(`select t.payload_id from payload_summaries t
    left join (select payload_id, max(last_date) as last_date, bool_or(saw_error) as any_error,
        count(*) filter (where not saw_error and (last_terminal is null
          or coalesce(last_received > last_terminal, false))) as open_services
      from payload_services group by payload_id) x using (payload_id)
    where x.payload_id is null or (t.last_date, t.any_error, t.open_services) is distinct from
      (x.last_date, x.any_error, x.open_services::int)
    union all
    select s.payload_id from payload_services s where not exists
      (select 1 from payload_summaries t where t.payload_id = s.payload_id)
        or not exists (select 1 from payloads p where p.id = s.payload_id)`)

const SERVICES = ["ingress", "puptoo", "storage-broker", "hbi"]
const WORDS = ["received", "processing", "success", "error", "received", "success"]
/** A payload's statuses over 4 services, dated from the clock: `start` minutes before now and later. */
const story = (request_id: string, seed: number, base: number): Array<StatusEvent> =>
  Array.from({ length: 10 }, (_, i) =>
    statusEvent({
      request_id,
      service: SERVICES[(seed + i) % SERVICES.length]!,
      status: WORDS[(seed * 7 + i * 3) % WORDS.length]!,
      status_msg: i % 3 === 0 ? "" : `m${(seed + i) % 2}`,
      date: base + ((seed * 13 + i * 5) % 40) * MINUTE,
    }),
  )

describe("payload summary in PostgreSQL", () => {
  it("concurrent writers of the same payloads leave the exact summary and outcome", () =>
    run(async (s) => {
      const now = Date.now() * 1000
      const base = now - 2 * HOUR
      const ids = Array.from({ length: 12 }, () => freshId())
      const all = ids.flatMap((id, seed) => story(id, seed, base))
      // Eight batches of interleaved statuses, each also redelivering part of another, written side by side.
      const batches = Array.from({ length: 8 }, (_, b) => [
        ...all.filter((_, i) => i % 8 === b),
        ...all.filter((_, i) => i % 8 === (b + 3) % 8 && i % 2 === 0),
      ])
      await Effect.runPromise(Effect.all(batches.map(s.store.record), { concurrency: 8 }))
      const at = { now: Micros.make(now), stalledAfter: Micros.make(HOUR) }
      for (const id of ids) {
        const statuses = all.filter((e) => e.request_id === id)
        expect(await storedSummary(s, id)).toEqual(summarize(statuses))
        const outcome = payloadLifecycle(statuses, at)!.outcome
        const listed = await Effect.runPromise(
          s.queries.listPayloads(query({ request_id: id, outcome, outcomeAt: at })),
        )
        expect(listed.count).toBe(1)
      }
      expect((await inconsistentPayloads(s)).rows).toEqual([])
    }))

  it("the migration backfills the summary of statuses stored before it", () =>
    run(async (s) => {
      const now = Date.now() * 1000
      const ids = Array.from({ length: 5 }, () => freshId())
      const all = ids.flatMap((id, seed) => story(id, seed, now - 3 * HOUR))
      await Effect.runPromise(s.store.record(all))
      // Down drops the summary tables; up recreates them from the statuses alone and packs them (the later
      // migrations go down first, one at a time).
      const names = migrationsList.map((m) => m.name)
      const later = names.slice(names.indexOf("Migration20261201000000PayloadSummary")).reverse()
      for (const name of later) expect(await Effect.runPromise(migrateDown(s.orm))).toEqual([name])
      expect((await s.pg.query("select to_regclass('payload_services') as t")).rows).toEqual([{ t: null }])
      expect(await Effect.runPromise(migrateUp(s.orm))).toEqual([...later].reverse())
      for (const id of ids)
        expect(await storedSummary(s, id)).toEqual(summarize(all.filter((e) => e.request_id === id)))
      expect((await inconsistentPayloads(s)).rows).toEqual([])
      // And the write path merges into the backfilled rows.
      const more = statusEvent({ request_id: ids[0]!, service: "puptoo", status: "error", date: now - HOUR })
      await Effect.runPromise(s.store.record([more]))
      expect(await storedSummary(s, ids[0]!)).toEqual(
        summarize([...all.filter((e) => e.request_id === ids[0]), more]),
      )
    }))

  it("retention rebuilds the summary of payloads that lost statuses, and removes those left without any", () =>
    run(async (s) => {
      const now = Date.now()
      const today = startOfDay(now)
      await Effect.runPromise(ensurePartitions(s.sql, today - 12 * DAY, today + 3 * DAY))
      const [spanning, expired, recent] = [freshId(), freshId(), freshId()]
      const old = (today - 10 * DAY) * 1000
      const fresh = (today - DAY) * 1000
      const keptStatuses = [
        statusEvent({ request_id: spanning, service: "puptoo", status: "received", date: fresh }),
        statusEvent({ request_id: spanning, service: "puptoo", status: "success", date: fresh + MINUTE }),
      ]
      await Effect.runPromise(
        s.store.record([
          // The error that made `spanning` fail is in an expired day: once dropped, it is a success.
          statusEvent({
            request_id: spanning,
            service: "ingress",
            status: "error",
            status_msg: "x",
            date: old,
          }),
          ...keptStatuses,
          statusEvent({ request_id: expired, service: "ingress", status: "received", date: old }),
          statusEvent({ request_id: recent, service: "ingress", status: "received", date: fresh }),
        ]),
      )
      const errorsBefore = await Effect.runPromise(
        s.queries.listPayloads(query({ request_id: spanning, outcome: "error" })),
      )
      expect(errorsBefore.count).toBe(1)
      const report = await Effect.runPromise(applyRetention(s.sql, now, 7))
      expect(report.rebuiltSummaries).toBeGreaterThanOrEqual(2)
      expect(await storedSummary(s, spanning)).toEqual(summarize(keptStatuses))
      const successAfter = await Effect.runPromise(
        s.queries.listPayloads(query({ request_id: spanning, outcome: "success" })),
      )
      expect(successAfter.count).toBe(1)
      expect(await storedSummary(s, recent)).toEqual(
        summarize([statusEvent({ request_id: recent, service: "ingress", status: "received", date: fresh })]),
      )
      const left = await s.pg.query(
        `select count(*)::int as n from payload_services s join payloads p on p.id = s.payload_id
         where p.request_id = $1`,
        [expired],
      )
      expect(left.rows).toEqual([{ n: 0 }])
      expect((await inconsistentPayloads(s)).rows).toEqual([])
      // A second run has nothing left to rebuild.
      expect((await Effect.runPromise(applyRetention(s.sql, now, 7))).rebuiltSummaries).toBe(0)
    }))
})
