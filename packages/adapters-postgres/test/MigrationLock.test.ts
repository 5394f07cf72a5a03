import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { migrateUp, pendingMigrations } from "../src/Migrate.ts"
import { MIGRATION_LOCK_KEY, postgresOrm } from "../src/MikroOrm.ts"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import { createTestDatabase, dropTestDatabase } from "../testing/PostgresTestServer.ts"

const url = inject("databaseUrl")
let config: PostgresConfig
beforeAll(async () => {
  config = await createTestDatabase(url, "migration_lock")
})
afterAll(() => dropTestDatabase(url, config))

describe("migration lock", () => {
  // Several pods starting at once (DB_MIGRATE_ON_START, init containers) each run the migrator: without the lock
  // both run the same DDL and one fails ("relation already exists" / a duplicate catalog key).
  it("two migrators started together on an empty database both succeed and the schema is migrated once", () =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          // Two clients with pools of their own, as two processes would have.
          const a = yield* postgresOrm(config)
          const b = yield* postgresOrm(config)
          const all = yield* pendingMigrations(a)
          expect(all.length).toBeGreaterThan(0)
          const [ranA, ranB] = yield* Effect.all([migrateUp(a), migrateUp(b)], { concurrency: "unbounded" })
          // One applied everything; the other waited for the lock and found nothing pending.
          expect([ranA, ranB].map((r) => r.length).sort()).toEqual([0, all.length])
          expect([...ranA, ...ranB]).toEqual(all)
          expect(yield* pendingMigrations(b)).toEqual([])
          const applied = yield* a.sql.query<{ name: string; n: string }>(
            "select name, count(*)::text as n from mikro_orm_migrations group by name order by name",
          )
          expect(applied.rows.map((r) => r.name)).toEqual([...all].sort())
          expect(applied.rows.every((r) => r.n === "1")).toBe(true)
        }),
      ),
    ))

  it("a failed migration run releases the lock", () =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* postgresOrm(config)
          const failed = yield* Effect.promise(() =>
            a
              .withMigrationLock(() => Promise.reject(new Error("boom")))
              .then(
                () => "resolved",
                (e: unknown) => String(e),
              ),
          )
          expect(failed).toBe("Error: boom")
          // Another session gets the lock at once: nothing still holds it.
          const got = yield* a.sql.query<{ got: boolean }>(
            "select pg_try_advisory_lock($1) as got, pg_advisory_unlock($1)",
            [MIGRATION_LOCK_KEY.toString()],
          )
          expect(got.rows[0]!.got).toBe(true)
        }),
      ),
    ))
})
