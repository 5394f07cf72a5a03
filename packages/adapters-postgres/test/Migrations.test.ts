import { statusEvent } from "@pt/domain/testing/Fixtures"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { migrateDown, migrateUp, pendingMigrations } from "../src/Migrate.ts"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import { createTestDatabase, dropTestDatabase } from "../testing/PostgresTestServer.ts"
import { openStore } from "../testing/StoreHarness.ts"

const url = inject("databaseUrl")
let config: PostgresConfig
beforeAll(async () => {
  config = await createTestDatabase(url, "migrations")
})
afterAll(() => dropTestDatabase(url, config))

const ALL = [
  "Migration20261123000000Initial",
  "Migration20261123140000StoreCounts",
  "Migration20261123150000StatusCounts",
  "Migration20261123160000StatusMsgIndex",
  "Migration20261201000000PayloadSummary",
  "Migration20261201230000StatusPayloadInclude",
  "Migration20261202000000PackedSummary",
  "Migration20261202120000PipelineRollup",
]

const tables = `select string_agg(relname, ',' order by relname) as names from pg_class
  where relname in ('payloads', 'payload_statuses', 'payload_statuses_default', 'services', 'sources', 'statuses',
    'store_counts', 'status_counts')`

describe("migrations", () => {
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
