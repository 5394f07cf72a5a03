import { StoreUnavailable } from "@pt/domain/Errors"
import { Effect } from "effect"
import pg from "pg"
import {
  DEFAULT_POOL_ACQUIRE_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  type PostgresConfig,
  pgConnection,
} from "./PostgresConfig.ts"

/** The result shape shared by `pg` and PGlite. */
export interface SqlResult<R> {
  readonly rows: Array<R>
  readonly count: number
}

export interface QueryOptions {
  /**
   * Run as a named prepared statement (PostgreSQL; PGlite ignores it): parsed and planned once per connection,
   * then PostgreSQL may keep a generic plan. Only for hot statements whose plan does not depend on the values
   * (e.g. `payload_id = $1`): a generic plan cannot prune partitions by a date bound at plan time.
   */
  readonly prepare?: string
}

/** Something that runs one parameterised statement: a pool, a checked-out connection, a PGlite transaction. */
export interface Queryable {
  readonly query: <R = Record<string, unknown>>(
    sql: string,
    params?: ReadonlyArray<unknown>,
    options?: QueryOptions,
  ) => Promise<SqlResult<R>>
}

/** A statement_timeout and the setting it comes from (named in the error a client sees). */
export interface StatementTimeout {
  readonly ms: number
  readonly setting: string
}

export interface TransactionOptions {
  /** `SET LOCAL statement_timeout` for this transaction instead of the session's (PGlite ignores it). */
  readonly statementTimeout?: StatementTimeout
}

/**
 * The store's raw SQL access. The hot paths bypass MikroORM's query formatting (which inlines parameters into
 * the SQL text) and hand real bind parameters to the native driver: `pg`'s pool or the PGlite instance that
 * MikroORM opened. Both speak the same SQL, so one store implementation serves both.
 */
export interface SqlClient extends Queryable {
  readonly dialect: "postgres" | "pglite"
  /** Runs `body` in one transaction on one connection; rolls back when it throws. */
  readonly transaction: <A>(body: (tx: Queryable) => Promise<A>, options?: TransactionOptions) => Promise<A>
}

/** A statement PostgreSQL cancelled because it ran past its statement_timeout (SQLSTATE 57014). */
export class StatementTimedOut extends Error {
  readonly timeout: StatementTimeout
  constructor(timeout: StatementTimeout, cause: unknown) {
    super(`statement cancelled after ${timeout.ms} ms (${timeout.setting})`, { cause })
    this.name = "StatementTimedOut"
    this.timeout = timeout
  }
}

/** No pool connection became free within the acquire timeout: every connection is busy. */
export class PoolExhausted extends Error {
  readonly waitedMs: number
  constructor(waitedMs: number, cause: unknown) {
    super(`no pool connection free within ${waitedMs} ms (DB_POOL_ACQUIRE_TIMEOUT_MS)`, { cause })
    this.name = "PoolExhausted"
    this.waitedMs = waitedMs
  }
}

// A client learns what happened and what to do, never the database's own text (that goes to the log).
const clientMessage = (cause: unknown): string | undefined => {
  if (cause instanceof StatementTimedOut) {
    const { ms, setting } = cause.timeout
    return setting === "DB_STATEMENT_TIMEOUT_MS"
      ? `the query was cancelled after ${ms} ms (${setting}); narrow the filters or the time window`
      : `the database statement was cancelled after ${ms} ms (${setting}); try again later`
  }
  if (cause instanceof PoolExhausted)
    return `the database is busy: no connection became free within ${cause.waitedMs} ms (DB_POOL_ACQUIRE_TIMEOUT_MS); try again shortly`
  return undefined
}

/** Wraps a failed database call once, as the port's error (never swallowed). */
export const unavailable = (what: string) => (cause: unknown) => {
  const forClient = clientMessage(cause)
  return new StoreUnavailable({
    message: `${what}: ${cause instanceof Error ? cause.message : String(cause)}`,
    ...(forClient === undefined ? {} : { clientMessage: forClient }),
    cause,
  })
}

export const tryQuery = <A>(what: string, run: () => Promise<A>): Effect.Effect<A, StoreUnavailable> =>
  Effect.tryPromise({ try: run, catch: unavailable(what) })

// PostgreSQL text cannot hold NUL; the domain strips it, and this is the store's own guarantee.
export const noNul = (text: string): string =>
  text.includes("\u0000") ? text.replaceAll("\u0000", "") : text

/** Exact microseconds of a timestamptz column, as a JS number (exact until the year 2255). */
export const micros = (column: string): string => `(extract(epoch from ${column}) * 1000000)::float8`

/** A microseconds parameter (or array element) as timestamptz, without float rounding. */
export const timestampFromMicros = (expr: string): string =>
  `(timestamptz 'epoch' + ${expr} * interval '1 microsecond')`

const QUERY_CANCELED = "57014"
// pg-pool's error when a checkout waited connectionTimeoutMillis in the queue (a pool with every client busy).
const POOL_QUEUE_TIMEOUT = "timeout exceeded when trying to connect"

const translate = (error: unknown, timeout: StatementTimeout, acquireMs: number): unknown => {
  if (
    (error as { code?: unknown } | null)?.code === QUERY_CANCELED &&
    /statement timeout/.test(String(error))
  )
    return new StatementTimedOut(timeout, error)
  if (error instanceof Error && error.message === POOL_QUEUE_TIMEOUT)
    return new PoolExhausted(acquireMs, error)
  return error
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
export const pgSqlClient = (pool: pg.Pool, config: PostgresConfig): SqlClient => {
  const session: StatementTimeout = {
    ms: config.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    setting: "DB_STATEMENT_TIMEOUT_MS",
  }
  const acquireMs = config.poolAcquireTimeoutMs ?? DEFAULT_POOL_ACQUIRE_TIMEOUT_MS
  return {
    dialect: "postgres",
    query: async (text, params, options) => {
      const values = params as Array<unknown>
      try {
        const r = await (options?.prepare === undefined
          ? pool.query(text, values)
          : pool.query({ name: options.prepare, text, values }))
        return { rows: r.rows, count: r.rowCount ?? 0 }
      } catch (error) {
        throw translate(error, session, acquireMs)
      }
    },
    transaction: async (body, options) => {
      const timeout = options?.statementTimeout ?? session
      const client = await pool.connect().catch((error: unknown) => {
        throw translate(error, session, acquireMs)
      })
      const tx: Queryable = {
        query: async (text, params) => {
          try {
            const r = await client.query(text, params as Array<unknown>)
            return { rows: r.rows, count: r.rowCount ?? 0 }
          } catch (error) {
            throw translate(error, timeout, acquireMs)
          }
        },
      }
      let broken: Error | undefined
      try {
        // One round trip: a simple-protocol query may hold several statements.
        await client.query(
          options?.statementTimeout === undefined
            ? "begin"
            : `begin; set local statement_timeout = ${Math.max(0, Math.trunc(options.statementTimeout.ms))}`,
        )
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
  }
}

/**
 * The same client with every statement under `timeout` instead of the session's: each statement outside a
 * transaction runs in one of its own, so `SET LOCAL` scopes it. For maintenance (partitions, retention) that the
 * user-read timeout must not cancel half-way. PGlite has no statement timeout: returned as is.
 */
export const withStatementTimeout = (sql: SqlClient, timeout: StatementTimeout): SqlClient =>
  sql.dialect === "pglite"
    ? sql
    : {
        dialect: sql.dialect,
        query: <R>(text: string, params?: ReadonlyArray<unknown>) =>
          sql.transaction((tx) => tx.query<R>(text, params), { statementTimeout: timeout }),
        transaction: (body, options) => sql.transaction(body, { statementTimeout: timeout, ...options }),
      }
