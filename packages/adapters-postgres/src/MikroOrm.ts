import type { MikroORM, Options } from "@mikro-orm/core"
import { Migrator } from "@mikro-orm/migrations"
import { MikroORM as PgliteMikroORM } from "@mikro-orm/pglite"
import { MikroORM as PostgreSqlMikroORM } from "@mikro-orm/postgresql"
import type { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import { Effect, Redacted, type Scope } from "effect"
import { allEntities } from "./entities/Entities.ts"
import { migrationsList } from "./migrations/Migrations.ts"
import { type PgliteDatabase, pgliteSqlClient } from "./PgliteSqlClient.ts"
import { pgPool, pgSqlClient } from "./PgSqlClient.ts"
import type { PostgresConfig } from "./PostgresConfig.ts"
import type { SqlClient } from "./SqlClient.ts"
import { ormCall } from "./StoreErrors.ts"

/** The ORM handle and the raw SQL client on the same pool; closed with the scope. */
export interface StoreOrm {
  readonly orm: MikroORM
  readonly sql: SqlClient["Service"]
}

const common = {
  entities: allEntities,
  extensions: [Migrator],
  migrations: { migrationsList, snapshot: false, silent: true, transactional: true, allOrNothing: true },
  debug: false,
  ensureDatabase: false,
  allowGlobalContext: true,
} satisfies Partial<Options>

/**
 * A MikroORM PostgreSQL client for the migrations, and the store's SqlClient on a `pg` pool of `poolSize`
 * connections of its own: that pool's statement_timeout (DB_STATEMENT_TIMEOUT_MS) must not cancel a migration
 * that builds an index on a large table, so the migrator keeps a small pool without one.
 */
export const postgresOrm = (config: PostgresConfig): Effect.Effect<StoreOrm, StoreUnavailable, Scope.Scope> =>
  Effect.gen(function* () {
    const services = yield* Effect.context<never>()
    const onError = (e: Error) =>
      Effect.runForkWith(services)(Effect.logWarning(`PostgreSQL idle connection lost: ${e.message}`))
    return yield* Effect.acquireRelease(
      ormCall("connecting to PostgreSQL", async () => {
        const orm = await PostgreSqlMikroORM.init({
          ...common,
          host: config.host,
          port: config.port,
          user: config.user,
          password: Redacted.value(config.password),
          dbName: config.database,
          pool: { min: 0, max: 2, idleTimeoutMillis: 30_000 },
          driverOptions: {
            connectionTimeoutMillis: 10_000,
            options: "-c jit=off",
            ...(config.sslMode === "require" || config.sslMode.startsWith("verify")
              ? { ssl: { rejectUnauthorized: config.sslMode.startsWith("verify") } }
              : {}),
          },
        })
        const pool = pgPool(config, { max: config.poolSize, onError })
        // Connect once now: a wrong address or password fails the start, not the first request.
        await pool.query("select 1").catch(async (error: unknown) => {
          await pool.end().catch(() => undefined)
          await orm.close(true)
          throw error
        })
        return { orm, sql: pgSqlClient(pool, config), pool }
      }),
      ({ orm, pool }) =>
        Effect.promise(() => Promise.all([pool.end().catch(() => undefined), orm.close(true)])),
    ).pipe(Effect.map(({ orm, sql }): StoreOrm => ({ orm, sql })))
  })

/** A MikroORM PGlite client: PostgreSQL compiled to WASM, in-process, persisted to `dataDir`. */
export const pgliteOrm = (dataDir: string): Effect.Effect<StoreOrm, StoreUnavailable, Scope.Scope> =>
  Effect.acquireRelease(
    ormCall("opening the embedded database", async () => {
      const orm = await PgliteMikroORM.init({ ...common, dbName: dataDir })
      const db: PgliteDatabase = await orm.driver.getConnection().getNativeClient()
      return { orm, sql: pgliteSqlClient(db) }
    }),
    ({ orm }) => Effect.promise(() => orm.close(true)),
  )
