import { Context, Data, Effect, type Scope } from "effect"

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

/**
 * A failed statement, with the driver's error as `cause` (or StatementTimedOut / PoolExhausted when the client
 * knows what happened). Internal to the adapter: the store methods map it once to the port's StoreUnavailable.
 */
export class SqlError extends Data.TaggedError("SqlError")<{ readonly cause: unknown }> {}

/** Something that runs one parameterised statement: a pool, a checked-out connection, a PGlite transaction. */
export interface Queryable {
  readonly query: <R = Record<string, unknown>>(
    sql: string,
    params?: ReadonlyArray<unknown>,
    options?: QueryOptions,
  ) => Effect.Effect<SqlResult<R>, SqlError>
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

/** An open transaction on one connection. Closing its scope without `commit` rolls it back. */
export interface Transaction extends Queryable {
  readonly commit: Effect.Effect<void, SqlError>
}

/**
 * The store's raw SQL access. The hot paths bypass MikroORM's query formatting (which inlines parameters into
 * the SQL text) and hand real bind parameters to the native driver: `pg`'s pool (PgSqlClient) or the PGlite
 * instance that MikroORM opened (PgliteSqlClient). Both speak the same SQL, so one store serves both.
 */
export class SqlClient extends Context.Service<
  SqlClient,
  Queryable & {
    readonly dialect: "postgres" | "pglite"
    /** A connection checked out and BEGIN sent; ROLLBACK on scope close unless committed, then released. */
    readonly transaction: (options?: TransactionOptions) => Effect.Effect<Transaction, SqlError, Scope.Scope>
  }
>()("@pt/adapters-postgres/SqlClient") {}

/** Runs `body` in one transaction: COMMIT when it succeeds, ROLLBACK when it fails or is interrupted. */
export const withTransaction = <A, E, R>(
  sql: SqlClient["Service"],
  body: (tx: Queryable) => Effect.Effect<A, E, R>,
  options?: TransactionOptions,
): Effect.Effect<A, E | SqlError, R> =>
  Effect.scoped(
    Effect.gen(function* () {
      const tx = yield* sql.transaction(options)
      const result = yield* body(tx)
      yield* tx.commit
      return result
    }),
  )

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

/**
 * The same client with every statement under `timeout` instead of the session's: each statement outside a
 * transaction runs in one of its own, so `SET LOCAL` scopes it. For maintenance (partitions, retention) that the
 * user-read timeout must not cancel half-way. PGlite has no statement timeout: returned as is.
 */
export const withStatementTimeout = (
  sql: SqlClient["Service"],
  timeout: StatementTimeout,
): SqlClient["Service"] =>
  sql.dialect === "pglite"
    ? sql
    : SqlClient.of({
        dialect: sql.dialect,
        query: <R>(text: string, params?: ReadonlyArray<unknown>) =>
          withTransaction(sql, (tx) => tx.query<R>(text, params), { statementTimeout: timeout }),
        transaction: (options) => sql.transaction({ statementTimeout: timeout, ...options }),
      })
