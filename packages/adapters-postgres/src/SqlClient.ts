import { StoreUnavailable } from "@pt/domain/Errors"
import { Effect } from "effect"

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

/**
 * The store's raw SQL access. The hot paths bypass MikroORM's query formatting (which inlines parameters into
 * the SQL text) and hand real bind parameters to the native driver: `pg`'s pool or the PGlite instance that
 * MikroORM opened. Both speak the same SQL, so one store implementation serves both.
 */
export interface SqlClient extends Queryable {
  readonly dialect: "postgres" | "pglite"
  /** Runs `body` in one transaction on one connection; rolls back when it throws. */
  readonly transaction: <A>(body: (tx: Queryable) => Promise<A>) => Promise<A>
}

/** Wraps a failed database call once, as the port's error (never swallowed). */
export const unavailable = (what: string) => (cause: unknown) =>
  new StoreUnavailable({
    message: `${what}: ${cause instanceof Error ? cause.message : String(cause)}`,
    cause,
  })

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
