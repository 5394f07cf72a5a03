import { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import { Effect } from "effect"
import { PoolExhausted, SqlError, StatementTimedOut } from "./SqlClient.ts"

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

/** A failed database call as the port's error, `what` naming the operation (the detail goes to the log). */
export const unavailable =
  (what: string) =>
  (error: unknown): StoreUnavailable => {
    const cause = error instanceof SqlError ? error.cause : error
    const forClient = clientMessage(cause)
    return new StoreUnavailable({
      message: `${what}: ${cause instanceof Error ? cause.message : String(cause)}`,
      ...(forClient === undefined ? {} : { clientMessage: forClient }),
      cause,
    })
  }

/** The one place an adapter failure becomes StoreUnavailable: at the edge of each store method. */
export const orUnavailable =
  (what: string) =>
  <A, R>(effect: Effect.Effect<A, SqlError, R>): Effect.Effect<A, StoreUnavailable, R> =>
    Effect.mapError(effect, unavailable(what))

/** A MikroORM call (migrations, connecting) as an Effect failing with the port's error. */
export const ormCall = <A>(what: string, run: () => Promise<A>): Effect.Effect<A, StoreUnavailable> =>
  Effect.tryPromise({ try: run, catch: unavailable(what) })
