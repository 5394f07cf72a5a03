import { statusEvent } from "@pt/domain/testing/Fixtures"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { migrateDown, migrateUp, pendingMigrations } from "../src/Migrate.ts"
import { migrationsList } from "../src/migrations/Migrations.ts"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import { createTestDatabase, dropTestDatabase } from "../testing/PostgresTestServer.ts"
import { openStore } from "../testing/StoreHarness.ts"

const url = inject("databaseUrl")
let config: PostgresConfig
beforeAll(async () => {
  config = await createTestDatabase(url, "migrations")
})
afterAll(() => dropTestDatabase(url, config))

// Every registered migration, which must be listed in the order of their timestamps (the order `up` applies).
const ALL = migrationsList.map((m) => m.name)

const tables = `select string_agg(relname, ',' order by relname) as names from pg_class
  where relname in ('payloads', 'payload_statuses', 'payload_statuses_default', 'services', 'sources', 'statuses',
    'store_counts', 'status_counts')`

describe("migrations", () => {
  it("are registered in the order of their timestamps, each name once", () => {
    expect(ALL).toEqual([...new Set(ALL)].sort())
    expect(ALL[0]).toBe("Migration20261123000000Initial")
  })

  it("round trip: up creates the schema, down removes it, up again gives a working store", () =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const s = yield* openStore(config, { migrate: false })
          expect((yield* pendingMigrations(s.orm)).length).toBeGreaterThan(0)
          expect(yield* migrateUp(s.orm)).toEqual(ALL)
          expect(yield* pendingMigrations(s.orm)).toEqual([])
          const names = () => Effect.promise(() => s.pg.query<{ names: string | null }>(tables))
          expect((yield* names()).rows[0]!.names).toBe(
            "payload_statuses,payload_statuses_default,payloads,services,sources,status_counts,statuses,store_counts",
          )
          // The last one alone, then all.
          const last = ALL.at(-1)!
          expect(yield* migrateDown(s.orm)).toEqual([last])
          expect(yield* pendingMigrations(s.orm)).toEqual([last])
          expect(yield* migrateUp(s.orm)).toEqual([last])
          expect(yield* migrateDown(s.orm, { all: true })).toEqual([...ALL].reverse())
          expect((yield* names()).rows[0]!.names).toBeNull()
          expect(yield* migrateUp(s.orm)).toEqual(ALL)
          const store = yield* openStore(config, { migrate: false })
          const r = yield* store.store.record([statusEvent({ request_id: "a".repeat(32) })])
          expect(r.inserted).toBe(1)
        }),
      ),
    ))
})
