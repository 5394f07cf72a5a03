import { statusIdentity } from "@pt/domain/StatusEvent"
import { statusEvent } from "@pt/domain/testing/Fixtures"
import { DAY_MS } from "@pt/domain/testing/TestDates"
import { Effect } from "effect"
import { afterAll, beforeAll, expect, inject, it } from "vitest"
import { ensurePartitions, startOfDay } from "../src/Partitions.ts"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import { applyRetention, type RetentionReport } from "../src/Retention.ts"
import { maintenanceClient } from "../src/StoreMaintenance.ts"
import { createTestDatabase, dropTestDatabase } from "../testing/PostgresTestServer.ts"
import { openStore } from "../testing/StoreHarness.ts"

const url = inject("databaseUrl")
let config: PostgresConfig
beforeAll(async () => {
  config = await createTestDatabase(url, "retentioningest")
})
afterAll(() => dropTestDatabase(url, config))

/** Deterministic PRNG (mulberry32): the same statuses on every run, only their dates move with the clock. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const RETENTION_DAYS = 3
const SERVICES = ["ingress", "puptoo", "inventory-mq-service", "insights-advisor-service"]
const STATUSES = ["received", "processing", "success", "error"]

it("retention runs concurrent with ingest remove what is outside the window and lose nothing inside it", async () => {
  // One `now` for every run: the window's edge (keepFrom) stays put even if the test crosses midnight.
  const now = Date.now()
  const today = startOfDay(now)
  const keepFrom = today - RETENTION_DAYS * DAY_MS
  const rand = random(7)
  const inside = (): number => keepFrom + Math.floor(rand() * (now - 60_000 - keepFrom))
  // Older than the window: days with a daily partition (dropped by retention while writers insert) and older
  // days without one (their rows sit in the DEFAULT partition until retention deletes them).
  const outside = (): number => keepFrom - 1 - Math.floor(rand() * 8 * DAY_MS)
  const kinds = ["inside", "mixed", "outside"] as const
  const payloads = Array.from({ length: 240 }, (_, i) => {
    const kind = kinds[i % 3]!
    const request_id = (0x5000_0000 + i).toString(16).padStart(32, "0")
    const dates = Array.from({ length: 6 }, (_, j) =>
      kind === "inside" || (kind === "mixed" && j % 2 === 0) ? inside() : outside(),
    )
    // The window's edge itself: its first microsecond is kept, the one before it is not.
    if (i === 1) dates[0] = keepFrom
    if (i === 2) dates[0] = keepFrom - 1
    const events = dates.map((ms, j) =>
      statusEvent({
        request_id,
        service: SERVICES[j % SERVICES.length]!,
        status: STATUSES[Math.floor(j / SERVICES.length) % STATUSES.length]!,
        date: ms * 1000 + j,
      }),
    )
    return { request_id, kind, events }
  })
  const all = payloads.flatMap((p) => p.events)
  // Written in the order they would arrive: shuffled, so old and new dates interleave in every batch.
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[all[i], all[j]] = [all[j]!, all[i]!]
  }
  const kept = new Set(all.filter((e) => e.date >= keepFrom * 1000).map(statusIdentity))
  expect(kept.size).toBeGreaterThan(0)
  expect(kept.size).toBeLessThan(all.length)

  const result = await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const s = yield* openStore(config)
        const sql = maintenanceClient(s.sql)
        yield* ensurePartitions(sql, today - (RETENTION_DAYS + 5) * DAY_MS, today + DAY_MS)
        let writing = true
        let duringWrites = 0
        const batches = Array.from({ length: Math.ceil(all.length / 24) }, (_, i) =>
          all.slice(i * 24, i * 24 + 24),
        )
        // Two writers through the store's own write path, each batch one transaction, as two consumers.
        const writer = (half: number) =>
          Effect.forEach(
            batches.filter((_, i) => i % 2 === half),
            (batch) => s.store.record(batch),
            { discard: true },
          )
        const writers = Effect.all([writer(0), writer(1)], { concurrency: 2 }).pipe(
          Effect.ensuring(
            Effect.sync(() => {
              writing = false
            }),
          ),
        )
        // Retention over and over while the writers run (at least 5 runs, the last ones after writes ended).
        const retention = Effect.gen(function* () {
          const reports: Array<RetentionReport> = []
          while (writing || reports.length < 5) {
            reports.push(yield* applyRetention(sql, now, RETENTION_DAYS))
            if (writing) duringWrites++
            yield* Effect.sleep("10 millis")
          }
          return reports
        })
        const [, reports] = yield* Effect.all([writers, retention], { concurrency: 2 })
        // Statuses of expired days written after the last concurrent run: one more run removes them.
        reports.push(yield* applyRetention(sql, now, RETENTION_DAYS))
        const page = yield* s.queries.listStatuses({
          page: 0,
          pageSize: 1_000_000,
          sortBy: "date",
          sortDir: "asc",
          date: {},
          created_at: {},
        })
        const present = yield* Effect.promise(() =>
          s.pg.query<{ request_id: string }>("select request_id from payloads"),
        )
        const totals = yield* Effect.promise(() =>
          s.pg.query<{ kept: string; real: string }>(
            `select (select coalesce(sum(payloads), 0) || '/' || coalesce(sum(statuses), 0) from store_counts) as kept,
               (select count(*) from payloads) || '/' || (select count(*) from payload_statuses) as real`,
          ),
        )
        return {
          reports,
          duringWrites,
          page,
          present: new Set(present.rows.map((r) => r.request_id)),
          totals: totals.rows[0]!,
        }
      }),
    ),
  )
  expect(result.reports.length).toBeGreaterThanOrEqual(6)
  // Several runs finished while both writers were still writing.
  expect(result.duringWrites).toBeGreaterThanOrEqual(3)
  // Retention had work while the writers ran: it dropped expired partitions and deleted expired DEFAULT rows.
  expect(result.reports.some((r) => r.droppedPartitions.length > 0)).toBe(true)
  expect(result.reports.reduce((n, r) => n + r.deletedStatuses, 0)).toBeGreaterThan(0)
  const stored = result.page.data.map(statusIdentity)
  expect(stored.length).toBe(new Set(stored).size)
  expect(stored.filter((id) => !kept.has(id))).toEqual([])
  const storedSet = new Set(stored)
  expect([...kept].filter((id) => !storedSet.has(id))).toEqual([])
  expect(result.page.count).toBe(kept.size)
  // A payload left without statuses is gone with them; one with a status inside the window stays.
  expect(payloads.filter((p) => result.present.has(p.request_id) !== (p.kind !== "outside"))).toEqual([])
  expect(result.totals.kept).toBe(result.totals.real)
})
