import type { Transaction } from "@electric-sql/pglite"
import type { MikroORM, Options } from "@mikro-orm/core"
import { Migrator } from "@mikro-orm/migrations"
import { MikroORM as PgliteMikroORM } from "@mikro-orm/pglite"
import { MikroORM as PostgreSqlMikroORM } from "@mikro-orm/postgresql"
import type { StoreUnavailable } from "@pt/domain/Errors"
import { Effect, Redacted, type Scope } from "effect"
import type pg from "pg"
import { allEntities } from "./entities/Entities.ts"
import { migrationsList } from "./migrations/Migrations.ts"
import type { PostgresConfig } from "./PostgresConfig.ts"
import { type Queryable, type SqlClient, tryQuery } from "./SqlClient.ts"

/** The ORM handle and the raw SQL client on the same pool; closed with the scope. */
export interface StoreOrm {
  readonly orm: MikroORM
  readonly sql: SqlClient
}

const common = {
  entities: allEntities,
  extensions: [Migrator],
  migrations: { migrationsList, snapshot: false, silent: true, transactional: true, allOrNothing: true },
  debug: false,
  ensureDatabase: false,
  allowGlobalContext: true,
} satisfies Partial<Options>

const pgClient = (pool: pg.Pool): SqlClient => ({
  dialect: "postgres",
  query: async (text, params, options) => {
    const values = params as Array<unknown>
    const r = await (options?.prepare === undefined
      ? pool.query(text, values)
      : pool.query({ name: options.prepare, text, values }))
    return { rows: r.rows, count: r.rowCount ?? 0 }
  },
  transaction: async (body) => {
    const client = await pool.connect()
    const tx: Queryable = {
      query: async (text, params) => {
        const r = await client.query(text, params as Array<unknown>)
        return { rows: r.rows, count: r.rowCount ?? 0 }
      },
    }
    let broken: Error | undefined
    try {
      await client.query("begin")
      const result = await body(tx)
      await client.query("commit")
      return result
    } catch (error) {
      await client.query("rollback").catch((e: Error) => {
        broken = e // a connection that cannot roll back is destroyed, not reused
      })
      throw error
    } finally {
      client.release(broken)
    }
  },
})

/** A MikroORM PostgreSQL client on a `pg` pool of `poolSize` connections. */
export const postgresOrm = (config: PostgresConfig): Effect.Effect<StoreOrm, StoreUnavailable, Scope.Scope> =>
  Effect.acquireRelease(
    tryQuery("connecting to PostgreSQL", async () => {
      const orm = await PostgreSqlMikroORM.init({
        ...common,
        host: config.host,
        port: config.port,
        user: config.user,
        password: Redacted.value(config.password),
        dbName: config.database,
        pool: { min: 0, max: config.poolSize, idleTimeoutMillis: 30_000 },
        driverOptions: {
          connectionTimeoutMillis: 10_000,
          // JIT compiles expressions of any statement the planner costs high; on these short OLTP reads it
          // added 80-100 ms (LLVM inlining/optimisation) to queries that run in under 1 ms. Off for the pool.
          options: "-c jit=off",
          ...(config.sslMode === "require" || config.sslMode.startsWith("verify")
            ? { ssl: { rejectUnauthorized: config.sslMode.startsWith("verify") } }
            : {}),
        },
      })
      const pool = await orm.driver.getConnection().getNativeClient()
      return { orm, sql: pgClient(pool) }
    }),
    ({ orm }) => Effect.promise(() => orm.close(true)),
  )

/** A MikroORM PGlite client: PostgreSQL compiled to WASM, in-process, persisted to `dataDir`. */
export const pgliteOrm = (dataDir: string): Effect.Effect<StoreOrm, StoreUnavailable, Scope.Scope> =>
  Effect.acquireRelease(
    tryQuery("opening the embedded database", async () => {
      const orm = await PgliteMikroORM.init({ ...common, dbName: dataDir })
      const db = await orm.driver.getConnection().getNativeClient()
      const client: SqlClient = {
        dialect: "pglite",
        query: async (text, params) => {
          const r = await db.query(text, params as Array<unknown>)
          return { rows: r.rows as Array<never>, count: r.affectedRows ?? 0 }
        },
        transaction: (body) =>
          db.transaction((tx: Transaction) =>
            body({
              query: async (text, params) => {
                const r = await tx.query(text, params as Array<unknown>)
                return { rows: r.rows as Array<never>, count: r.affectedRows ?? 0 }
              },
            }),
          ),
      }
      return { orm, sql: client }
    }),
    ({ orm }) => Effect.promise(() => orm.close(true)),
  )
