import { Effect } from "effect"
import pg from "pg"
import {
  DEFAULT_POOL_ACQUIRE_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  type PostgresConfig,
  pgConnection,
} from "./PostgresConfig.ts"
import {
  PoolExhausted,
  type Queryable,
  SqlClient,
  SqlError,
  StatementTimedOut,
  type StatementTimeout,
} from "./SqlClient.ts"

const QUERY_CANCELED = "57014"
// pg-pool's error when a checkout waited connectionTimeoutMillis in the queue (a pool with every client busy).
const POOL_QUEUE_TIMEOUT = "timeout exceeded when trying to connect"

const translate = (error: unknown, timeout: StatementTimeout, acquireMs: number): SqlError => {
  if (
    (error as { code?: unknown } | null)?.code === QUERY_CANCELED &&
    /statement timeout/.test(String(error))
  )
    return new SqlError({ cause: new StatementTimedOut(timeout, error) })
  if (error instanceof Error && error.message === POOL_QUEUE_TIMEOUT)
    return new SqlError({ cause: new PoolExhausted(acquireMs, error) })
  return new SqlError({ cause: error })
}

export interface PgPoolSettings {
  readonly max: number
  /** Called with errors of idle connections (a dropped server): without a listener they would crash the process. */
  readonly onError: (error: Error) => void
}

/**
 * A `pg` pool whose every connection starts with the configured statement_timeout (a startup parameter: no extra
 * round trip) and whose checkouts give up after the acquire timeout.
 */
export const pgPool = (config: PostgresConfig, settings: PgPoolSettings): pg.Pool => {
  const pool = new pg.Pool({
    ...pgConnection(config),
    max: settings.max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: config.poolAcquireTimeoutMs ?? DEFAULT_POOL_ACQUIRE_TIMEOUT_MS,
    statement_timeout: config.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    // JIT compiles expressions of any statement the planner costs high; on these short OLTP reads it added
    // 80-100 ms (LLVM inlining/optimisation) to queries that run in under 1 ms. Off for the pool.
    options: "-c jit=off",
  })
  pool.on("error", settings.onError)
  return pool
}

/** The SqlClient over a `pg` pool: errors of a statement timeout or a full pool say so (StatementTimedOut, PoolExhausted). */
export const pgSqlClient = (pool: pg.Pool, config: PostgresConfig): SqlClient["Service"] => {
  const session: StatementTimeout = {
    ms: config.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    setting: "DB_STATEMENT_TIMEOUT_MS",
  }
  const acquireMs = config.poolAcquireTimeoutMs ?? DEFAULT_POOL_ACQUIRE_TIMEOUT_MS
  const on = (client: pg.Pool | pg.PoolClient, timeout: StatementTimeout): Queryable => ({
    query: (text, params, options) =>
      Effect.tryPromise({
        try: () => {
          const values = params as Array<unknown>
          return options?.prepare === undefined
            ? client.query(text, values)
            : client.query({ name: options.prepare, text, values })
        },
        catch: (error) => translate(error, timeout, acquireMs),
      }).pipe(Effect.map((r) => ({ rows: r.rows, count: r.rowCount ?? 0 }))),
  })

  return SqlClient.of({
    dialect: "postgres",
    ...on(pool, session),
    transaction: (options) =>
      Effect.suspend(() => {
        const timeout = options?.statementTimeout ?? session
        let committed = false
        // A checked-out client has no error listener of the pool's: a connection that drops while the
        // transaction holds it (between two statements, or before the release ran) would emit an unhandled
        // 'error' and crash the process. Kept until the release, which then destroys the connection.
        let lost: Error | undefined
        const onError = (error: Error) => {
          lost = error
        }
        const release = (client: pg.PoolClient, error?: Error) => {
          client.off("error", onError)
          client.release(error ?? lost)
        }
        return Effect.acquireRelease(
          Effect.tryPromise({
            try: async () => {
              const client = await pool.connect()
              client.on("error", onError)
              try {
                // One round trip: a simple-protocol query may hold several statements.
                await client.query(
                  options?.statementTimeout === undefined
                    ? "begin"
                    : `begin; set local statement_timeout = ${Math.max(0, Math.trunc(options.statementTimeout.ms))}`,
                )
              } catch (error) {
                release(client, error as Error)
                throw error
              }
              return client
            },
            catch: (error) => translate(error, session, acquireMs),
          }),
          (client) =>
            committed
              ? Effect.sync(() => release(client))
              : Effect.promise(() =>
                  // A connection that cannot roll back is destroyed, not reused.
                  client.query("rollback").then(
                    () => release(client),
                    (error: Error) => release(client, error),
                  ),
                ),
        ).pipe(
          Effect.map((client) => {
            const tx = on(client, timeout)
            return {
              ...tx,
              commit: tx.query("commit").pipe(
                Effect.tap(() =>
                  Effect.sync(() => {
                    committed = true
                  }),
                ),
                Effect.asVoid,
              ),
            }
          }),
        )
      }),
  })
}
