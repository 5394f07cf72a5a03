import { Effect, Option } from "effect"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import {
  asMaintenanceLeader,
  isSkipped,
  type MaintenanceOutcome,
  makeStoreMaintenance,
} from "../src/StoreMaintenance.ts"
import { createTestDatabase, dropTestDatabase } from "../testing/PostgresTestServer.ts"
import { openStore } from "../testing/StoreHarness.ts"

const url = inject("databaseUrl")
let config: PostgresConfig
beforeAll(async () => {
  config = await createTestDatabase(url, "maintlock")
})
afterAll(() => dropTestDatabase(url, config))

const settings = { retentionDays: 3, partitionsAheadDays: 2 }

/** Two instances: each its own pool (its own connections) on the same database, as two consumer pods. */
const twoInstances = <A>(
  f: (
    a: Effect.Success<ReturnType<typeof openStore>>,
    b: Effect.Success<ReturnType<typeof openStore>>,
  ) => Effect.Effect<A, unknown>,
) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const a = yield* openStore(config)
        const b = yield* openStore(config, { migrate: false })
        return yield* f(a, b)
      }),
    ),
  )

describe("maintenance leader lock", () => {
  it("two instances attempting maintenance concurrently, many times: runs never overlap, the others skip", async () => {
    const outcomes = await twoInstances((a, b) => {
      const runners = [makeStoreMaintenance(a.sql, settings), makeStoreMaintenance(b.sql, settings)]
      // 8 rounds of 3 concurrent attempts per instance: 48 attempts, 6 at a time racing for the lock.
      const round = Effect.all(
        runners.flatMap((m) => [m.run, m.run, m.run]),
        { concurrency: "unbounded" },
      )
      return Effect.map(Effect.all(Array.from({ length: 8 }, () => round)), (rounds) => rounds.flat())
    })
    const ran = outcomes.filter((o): o is Exclude<MaintenanceOutcome, { skipped: string }> => !isSkipped(o))
    const held = ran.map((o) => o.held).filter((h) => h !== undefined)
    expect(held.length).toBe(ran.length)
    const sorted = [...held].sort((x, y) => x.from - y.from)
    const overlapping = sorted.filter((h, i) => i > 0 && h.from < sorted[i - 1]!.until)
    expect(overlapping).toEqual([])
    // The lock was contended (else the test shows nothing): some attempts skipped, every round one ran at least.
    expect(outcomes.length - ran.length).toBeGreaterThan(0)
    expect(ran.length).toBeGreaterThanOrEqual(8)
  })

  it("the lock is released when the leader's work fails, and while one instance holds it the other skips", async () => {
    const result = await twoInstances((a, b) =>
      Effect.gen(function* () {
        const failed = yield* Effect.flip(asMaintenanceLeader(a.sql, Effect.fail("boom")))
        // Held by a for the whole of its work: b, asking meanwhile, is turned away at once.
        const whileHeld = yield* asMaintenanceLeader(
          a.sql,
          asMaintenanceLeader(b.sql, Effect.succeed("b ran")),
        )
        const afterwards = yield* asMaintenanceLeader(b.sql, Effect.succeed("b ran"))
        return { failed, whileHeld, afterwards }
      }),
    )
    expect(result.failed).toBe("boom")
    expect(result.whileHeld).toEqual(Option.some(Option.none()))
    expect(result.afterwards).toEqual(Option.some("b ran"))
  })
})
