import type { MikroORM, Options } from "@mikro-orm/core"
import { Migrator } from "@mikro-orm/migrations"
import { MikroORM as PostgreSqlMikroORM } from "@mikro-orm/postgresql"
import { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import { Effect, Redacted, type Scope } from "effect"
import pg from "pg"
import { allEntities } from "./entities/Entities.ts"
import { migrationsList } from "./migrations/Migrations.ts"
import { type PgliteDatabase, pgliteSqlClient } from "./PgliteSqlClient.ts"
import { pgPool, pgSqlClient } from "./PgSqlClient.ts"
import { directConfig, type PostgresConfig, pgConnection } from "./PostgresConfig.ts"
import type { SqlClient } from "./SqlClient.ts"
import { ormCall } from "./StoreErrors.ts"

/** The ORM handle and the raw SQL client on the same pool; closed with the scope. */
export interface StoreOrm {
  readonly orm: MikroORM
  readonly sql: SqlClient["Service"]
  /** Runs `run` (a migration run) while holding the database's migration lock: one migrator at a time. */
  readonly withMigrationLock: <A>(run: () => Promise<A>) => Promise<A>
}

/**
 * The session advisory lock key the migrators take (advisory locks are per database, so one fixed key). Several
 * pods starting at once (DB_MIGRATE_ON_START, init containers) would otherwise run the same DDL concurrently;
 * with the lock the later ones wait, then find nothing pending.
 */
export const MIGRATION_LOCK_KEY = 7_231_958_004_211n

/**
 * Holds the lock on a connection of its own, not one of the migrator's pool: a session lock belongs to the
 * connection that took it, and the pool may hand each statement a different one. Ending the connection releases
 * the lock even if the unlock fails; a crashed process's lock goes with its connection. `config` is the direct
 * address (DATABASE_DIRECT_URL): through a transaction pooler the lock would stay on a server connection that
 * other clients then use, and the unlock might run on another one.
 */
const postgresMigrationLock =
  (config: PostgresConfig) =>
  async <A>(run: () => Promise<A>): Promise<A> => {
    const client = new pg.Client({ ...pgConnection(config), connectionTimeoutMillis: 10_000 })
    // An idle-connection error must not crash the process; the next query on it fails and says why.
    client.on("error", () => undefined)
    await client.connect()
    try {
      await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()])
      try {
        return await run()
      } finally {
        await client
          .query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()])
          .catch(() => undefined)
      }
    } finally {
      await client.end().catch(() => undefined)
    }
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
 * that builds an index on a large table, so the migrator keeps a small pool without one. The migrator connects
 * to the direct address (DATABASE_DIRECT_URL, default the pool's): it sends startup parameters a transaction
 * pooler refuses, and its lock needs a session.
 */
export const postgresOrm = (config: PostgresConfig): Effect.Effect<StoreOrm, StoreUnavailable, Scope.Scope> =>
  Effect.gen(function* () {
    if (config.pooler === "transaction" && config.direct === undefined)
      return yield* new StoreUnavailable({
        message:
          "DB_POOLER=transaction needs DATABASE_DIRECT_URL, an address straight to PostgreSQL: the live feed's " +
          "LISTEN and the migration lock need a session of their own, which a transaction pooler does not keep",
      })
    const direct = directConfig(config)
    const services = yield* Effect.context<never>()
    const onError = (e: Error) =>
      Effect.runForkWith(services)(Effect.logWarning(`PostgreSQL idle connection lost: ${e.message}`))
    return yield* Effect.acquireRelease(
      ormCall("connecting to PostgreSQL", async () => {
        const orm = await PostgreSqlMikroORM.init({
          ...common,
          host: direct.host,
          port: direct.port,
          user: direct.user,
          password: Redacted.value(direct.password),
          dbName: direct.database,
          pool: { min: 0, max: 2, idleTimeoutMillis: 30_000 },
          driverOptions: {
            connectionTimeoutMillis: 10_000,
            options: "-c jit=off",
            ...(direct.sslMode === "require" || direct.sslMode.startsWith("verify")
              ? { ssl: { rejectUnauthorized: direct.sslMode.startsWith("verify") } }
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
        return { orm, sql: pgSqlClient(pool, config), pool, withMigrationLock: postgresMigrationLock(direct) }
      }),
      ({ orm, pool }) =>
        Effect.promise(() => Promise.all([pool.end().catch(() => undefined), orm.close(true)])),
    ).pipe(Effect.map(({ orm, sql, withMigrationLock }): StoreOrm => ({ orm, sql, withMigrationLock })))
  })

/** A MikroORM PGlite client: PostgreSQL compiled to WASM, in-process, persisted to `dataDir`. */
export const pgliteOrm = (dataDir: string): Effect.Effect<StoreOrm, StoreUnavailable, Scope.Scope> =>
  Effect.acquireRelease(
    ormCall("opening the embedded database", async () => {
      // Loaded only here: the WASM build of PostgreSQL and its driver are megabytes a server process never uses.
      const { MikroORM: PgliteMikroORM } = await import("@mikro-orm/pglite")
      const orm = await PgliteMikroORM.init({ ...common, dbName: dataDir })
      const db: PgliteDatabase = await orm.driver.getConnection().getNativeClient()
      // One in-process connection owned by this process alone: no other migrator can run against it.
      return { orm, sql: pgliteSqlClient(db), withMigrationLock: (run) => run() }
    }),
    ({ orm }) => Effect.promise(() => orm.close(true)),
  )
