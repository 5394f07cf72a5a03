import { Effect, type Scope } from "effect"
import { makeLookupNames } from "../src/LookupNames.ts"
import { migrateUp } from "../src/Migrate.ts"
import { postgresOrm, type StoreOrm } from "../src/MikroOrm.ts"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import { makePostgresPayloadQueries } from "../src/PostgresPayloadQueries.ts"
import { makePostgresPayloadStore } from "../src/PostgresPayloadStore.ts"
import type { SqlResult } from "../src/SqlClient.ts"

/**
 * The store's pieces over one migrated client, for tests and scripts that need the raw SQL client too:
 * `sql` (the Effect client) and `pg`, the same client as promises for checks of the tables.
 */
export const openStore = (config: PostgresConfig, options: { readonly migrate?: boolean } = {}) =>
  Effect.gen(function* () {
    const orm: StoreOrm = yield* postgresOrm(config)
    if (options.migrate !== false) yield* migrateUp(orm)
    const names = makeLookupNames(orm.sql)
    const store = makePostgresPayloadStore(orm.sql, names)
    const queries = makePostgresPayloadQueries(orm.sql, names)
    const pg = {
      query: <R = Record<string, unknown>>(text: string, params?: ReadonlyArray<unknown>) =>
        Effect.runPromise(orm.sql.query<R>(text, params)) as Promise<SqlResult<R>>,
    }
    return { orm, sql: orm.sql, pg, store, queries }
  }) satisfies Effect.Effect<unknown, unknown, Scope.Scope>
