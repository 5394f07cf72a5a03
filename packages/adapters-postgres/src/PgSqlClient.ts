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
  withTransaction,
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
  /** application_name of its connections (pg_stat_activity), e.g. the read replica's pool says which it is. */
  readonly applicationName?: string
}

// JIT compiles expressions of any statement the planner costs high; on these short OLTP reads it added
// 80-100 ms (LLVM inlining/optimisation) to queries that run in under 1 ms. Off for the pool.
const JIT_OFF = "-c jit=off"

/**
 * A `pg` pool whose every connection starts with the configured statement_timeout and jit off (startup
 * parameters: no extra round trip) and whose checkouts give up after the acquire timeout. Behind a transaction
 * pooler (DB_POOLER=transaction) there are no startup parameters: PgBouncer refuses a connection that sends them
 * ("unsupported startup parameter"), and a session setting would not follow the statements anyway, since each
 * transaction may run on another server connection; pgSqlClient sets them per transaction instead.
 */
export const pgPool = (config: PostgresConfig, settings: PgPoolSettings): pg.Pool => {
  const pool = new pg.Pool({
    ...pgConnection(config),
    max: settings.max,
    ...(settings.applicationName === undefined ? {} : { application_name: settings.applicationName }),
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: config.poolAcquireTimeoutMs ?? DEFAULT_POOL_ACQUIRE_TIMEOUT_MS,
    ...(config.pooler === "transaction"
      ? {}
      : { statement_timeout: config.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS, options: JIT_OFF }),
  })
  pool.on("error", settings.onError)
  return pool
}

const setLocalTimeout = (timeout: StatementTimeout) =>
  `set local statement_timeout = ${Math.max(0, Math.trunc(timeout.ms))}`

/**
 * The SqlClient over a `pg` pool: errors of a statement timeout or a full pool say so (StatementTimedOut,
 * PoolExhausted). Behind a transaction pooler (DB_POOLER=transaction) it sends no named prepared statements: a
 * name is prepared on one server connection and PgBouncer before 1.21 may send the next execution to another
 * ("prepared statement does not exist"). And each statement outside a transaction runs in one of its own that
 * starts with `SET LOCAL statement_timeout` and `SET LOCAL jit = off`, the settings a direct connection gets at
 * startup: two more round trips per read, the price of keeping the read timeout.
 */
export const pgSqlClient = (pool: pg.Pool, config: PostgresConfig): SqlClient["Service"] => {
  const session: StatementTimeout = {
    ms: config.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    setting: "DB_STATEMENT_TIMEOUT_MS",
  }
  const pooled = config.pooler === "transaction"
  const acquireMs = config.poolAcquireTimeoutMs ?? DEFAULT_POOL_ACQUIRE_TIMEOUT_MS
  const on = (client: pg.Pool | pg.PoolClient, timeout: StatementTimeout): Queryable => ({
    query: (text, params, options) =>
      Effect.tryPromise({
        try: () => {
          const values = params as Array<unknown>
          return options?.prepare === undefined || pooled
            ? client.query(text, values)
            : client.query({ name: options.prepare, text, values })
        },
        catch: (error) => translate(error, timeout, acquireMs),
      }).pipe(Effect.map((r) => ({ rows: r.rows, count: r.rowCount ?? 0 }))),
  })

  const client: SqlClient["Service"] = SqlClient.of({
    dialect: "postgres",
    ...(pooled
      ? {
          query: <R>(text: string, params?: ReadonlyArray<unknown>) =>
            withTransaction(client, (tx) => tx.query<R>(text, params)),
        }
      : on(pool, session)),
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
                  pooled
                    ? `begin; ${setLocalTimeout(timeout)}; set local jit = off`
                    : options?.statementTimeout === undefined
                      ? "begin"
                      : `begin; ${setLocalTimeout(options.statementTimeout)}`,
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
  return client
}
