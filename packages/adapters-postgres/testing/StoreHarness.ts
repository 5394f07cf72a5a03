import { Effect, type Scope } from "effect"
import { migrateUp } from "../src/Migrate.ts"
import { postgresOrm, type StoreOrm } from "../src/MikroOrm.ts"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import { makePostgresPayloadQueries } from "../src/PostgresPayloadQueries.ts"
import { makePostgresPayloadStore } from "../src/PostgresPayloadStore.ts"

/** The store's pieces over one migrated client, for tests and scripts that need the raw SQL client too. */
export const openStore = (config: PostgresConfig, options: { readonly migrate?: boolean } = {}) =>
  Effect.gen(function* () {
    const orm: StoreOrm = yield* postgresOrm(config)
    if (options.migrate !== false) yield* migrateUp(orm)
    const store = yield* makePostgresPayloadStore(orm.sql)
    const queries = makePostgresPayloadQueries(orm.sql)
    return { orm, sql: orm.sql, store, queries }
  }) satisfies Effect.Effect<unknown, unknown, Scope.Scope>
