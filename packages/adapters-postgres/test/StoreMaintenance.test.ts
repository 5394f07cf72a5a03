import { Effect } from "effect"
import { describe, expect, inject, it } from "vitest"
import { listPartitions, partitionName, startOfDay } from "../src/Partitions.ts"
import { isSkipped, makeStoreMaintenance, StoreMaintenance } from "../src/StoreMaintenance.ts"
import { createTestDatabase, dropTestDatabase, testStoreLayer } from "../testing/PostgresTestServer.ts"
import { openStore } from "../testing/StoreHarness.ts"

const DAY = 86_400_000

describe("StoreMaintenance", () => {
  it("the layer creates today's window of partitions at start; a run reports what it did", () =>
    Effect.runPromise(
      Effect.gen(function* () {
        const outcome = yield* StoreMaintenance.use((m) => m.run)
        // Nobody else runs maintenance on this database: this instance gets the lock.
        if (isSkipped(outcome)) throw new Error("a lone instance skipped maintenance")
        const report = outcome
        const today = startOfDay(Date.now())
        // Created at layer start already: retention days back, 2 days ahead (settings below).
        expect(report.partitions.created).toEqual([])
        expect(report.retention.keepFrom).toBe(today - 3 * DAY)
        expect(report.retention.droppedPartitions).toEqual([])
      }).pipe(
        Effect.provide(
          testStoreLayer(inject("databaseUrl"), "maintenance", { retentionDays: 3, partitionsAheadDays: 2 }),
        ),
      ),
    ))

  it("partitions cover from RETENTION_DAYS back to PARTITIONS_AHEAD_DAYS ahead", async () => {
    const url = inject("databaseUrl")
    const config = await createTestDatabase(url, "maintenance2")
    try {
      const days = await Effect.runPromise(
        Effect.scoped(
          Effect.gen(function* () {
            const s = yield* openStore(config)
            yield* makeStoreMaintenance(s.sql, { retentionDays: 3, partitionsAheadDays: 2 }).run
            return yield* listPartitions(s.sql)
          }),
        ),
      )
      const today = startOfDay(Date.now())
      expect(days.map(partitionName)).toEqual(
        [-3, -2, -1, 0, 1, 2].map((d) => partitionName(today + d * DAY)),
      )
    } finally {
      await dropTestDatabase(url, config)
    }
  })
})
