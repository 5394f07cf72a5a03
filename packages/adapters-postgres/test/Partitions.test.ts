import { RequestId } from "@pt/domain/RequestId"
import { statusEvent } from "@pt/domain/testing/Fixtures"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { ensurePartitions, listPartitions, partitionName, startOfDay } from "../src/Partitions.ts"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import { applyRetention } from "../src/Retention.ts"
import { createTestDatabase, dropTestDatabase } from "../testing/PostgresTestServer.ts"
import { openStore } from "../testing/StoreHarness.ts"

const DAY = 86_400_000
const url = inject("databaseUrl")
let config: PostgresConfig
beforeAll(async () => {
  config = await createTestDatabase(url, "partitions")
})
afterAll(() => dropTestDatabase(url, config))

const run = <A>(f: (s: Effect.Success<ReturnType<typeof openStore>>) => Promise<A>) =>
  Effect.runPromise(Effect.scoped(Effect.flatMap(openStore(config), (s) => Effect.promise(() => f(s)))))

const hex = (n: number) => n.toString(16).padStart(32, "0")
const whereIs = (s: Effect.Success<ReturnType<typeof openStore>>, id: string) =>
  s.pg.query<{ part: string }>(
    `select s.tableoid::regclass::text as part from payload_statuses s join payloads p on p.id = s.payload_id
     where p.request_id = $1 order by s.date`,
    [id],
  )

describe("daily partitions and retention", () => {
  it("stores statuses of any date (DEFAULT partition) and moves them when their day's partition is created", () =>
    run(async (s) => {
      const today = startOfDay(Date.now())
      const old = hex(1)
      const future = hex(2)
      const dates = [today - 20 * 365 * DAY, today + 40 * DAY + 1234, Date.UTC(9999, 0, 1)]
      await Effect.runPromise(
        s.store.record([
          statusEvent({ request_id: old, date: dates[0]! * 1000 }),
          statusEvent({ request_id: future, date: dates[1]! * 1000 }),
          statusEvent({ request_id: future, status: "success", date: dates[2]! * 1000 }),
        ]),
      )
      expect((await whereIs(s, old)).rows.map((r) => r.part)).toEqual(["payload_statuses_default"])
      expect((await whereIs(s, future)).rows.map((r) => r.part)).toEqual([
        "payload_statuses_default",
        "payload_statuses_default",
      ])
      // The day 40 days ahead gets its partition: the waiting row moves there, nothing is lost.
      const report = await Effect.runPromise(ensurePartitions(s.sql, today + 40 * DAY, today + 40 * DAY))
      expect(report).toEqual({ created: [partitionName(today + 40 * DAY)], moved: 1 })
      expect((await whereIs(s, future)).rows.map((r) => r.part)).toEqual([
        partitionName(today + 40 * DAY),
        "payload_statuses_default",
      ])
      // Idempotent.
      expect(await Effect.runPromise(ensurePartitions(s.sql, today + 40 * DAY, today + 40 * DAY))).toEqual({
        created: [],
        moved: 0,
      })
      const h = await Effect.runPromise(s.queries.payloadHistory(RequestId.make(future)))
      expect(h?.statuses.length).toBe(2)
    }))

  it("retention drops whole expired days, expired DEFAULT rows, and payloads left without statuses", () =>
    run(async (s) => {
      const now = Date.now()
      const today = startOfDay(now)
      await Effect.runPromise(ensurePartitions(s.sql, today - 12 * DAY, today + 3 * DAY))
      // One payload per day over 12 days, one spanning old and recent days, one in an old unpartitioned day.
      const perDay = Array.from({ length: 12 }, (_, i) => ({ id: hex(1000 + i), day: today - i * DAY }))
      const spanning = hex(2000)
      const ancient = hex(2001)
      await Effect.runPromise(
        s.store.record([
          ...perDay.map(({ id, day }) => statusEvent({ request_id: id, date: (day + 3_600_000) * 1000 })),
          statusEvent({ request_id: spanning, date: (today - 10 * DAY) * 1000 }),
          statusEvent({ request_id: spanning, status: "success", date: (today - DAY) * 1000 }),
          statusEvent({ request_id: ancient, date: (today - 5 * 365 * DAY) * 1000 }),
        ]),
      )
      const before = new Set(await Effect.runPromise(listPartitions(s.sql)))
      const report = await Effect.runPromise(applyRetention(s.sql, now, 7))
      const keepFrom = today - 7 * DAY
      expect(report.keepFrom).toBe(keepFrom)
      const expired = [...before].filter((d) => d < keepFrom)
      expect(report.droppedPartitions).toEqual(expired.map(partitionName))
      expect(await Effect.runPromise(listPartitions(s.sql))).toEqual(
        [...before].filter((d) => d >= keepFrom).sort((a, b) => a - b),
      )
      // Days today-8 .. today-11 held one status each, today-10 a second one; the five-year-old status sat in DEFAULT.
      expect(report.deletedStatuses).toBeGreaterThanOrEqual(4 + 1 + 1)
      const alive = async (id: string) =>
        (await Effect.runPromise(s.queries.payloadHistory(RequestId.make(id)))) !== undefined
      for (const { id, day } of perDay) expect(await alive(id)).toBe(day >= keepFrom)
      expect(await alive(spanning)).toBe(true)
      expect(await alive(ancient)).toBe(false)
      const gone = await s.pg.query("select 1 from payloads where request_id = any($1::text[])", [
        [ancient, ...perDay.filter((p) => p.day < keepFrom).map((p) => p.id)],
      ])
      expect(gone.rows.length).toBe(0)
      expect(report.deletedPayloads).toBeGreaterThanOrEqual(5)
      // A second run finds nothing more to remove.
      const again = await Effect.runPromise(applyRetention(s.sql, now, 7))
      expect([again.droppedPartitions.length, again.deletedPayloads]).toEqual([0, 0])
      // The maintained totals (what unfiltered lists answer as `count`) still match the tables.
      const totals = await s.pg.query<{ kept: string; real: string }>(
        `select (select sum(payloads) + sum(statuses) from store_counts)::text
             || '/' || (select sum(n) from status_counts)::text as kept,
           ((select count(*) from payloads) + (select count(*) from payload_statuses))::text
             || '/' || (select count(*) from payload_statuses)::text as real`,
      )
      expect(totals.rows[0]!.kept).toBe(totals.rows[0]!.real)
    }))
})
