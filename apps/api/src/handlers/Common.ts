import type { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import { Clock, Effect, Predicate, type Result } from "effect"
import { type BadRequest, ServiceUnavailable } from "../ApiErrors.ts"

export const STORE_UNAVAILABLE =
  "the payload store is unavailable; try again shortly (the cause is in the API's log)"

/**
 * Store failures are never an empty 200 (docs/api.md, "Errors"): they answer 503 with the error body. The body is the
 * adapter's client message (a timeout, a busy pool: what happened and what to do) or a fixed text, never
 * `e.message`: that carries the database's own text (orUnavailable logs it).
 */
const unavailable = (e: StoreUnavailable) => ServiceUnavailable.of(e.clientMessage ?? STORE_UNAVAILABLE)

const logged = (e: StoreUnavailable) =>
  Effect.logWarning("payload store unavailable").pipe(
    Effect.annotateLogs({ error: e.message, answered: e.clientMessage ?? STORE_UNAVAILABLE }),
    Effect.as(unavailable(e)),
  )

/** Store failures as the 503 error body; the failure's detail goes to the log. */
export const orUnavailable = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
): Effect.Effect<A, Exclude<E, StoreUnavailable> | ServiceUnavailable, R> =>
  Effect.catchIf(
    effect,
    (e) => Predicate.isTagged(e, "StoreUnavailable"),
    (e) => Effect.flip(logged(e as unknown as StoreUnavailable)),
  ) as Effect.Effect<A, Exclude<E, StoreUnavailable> | ServiceUnavailable, R>

/** Lifts a validation result into the handler's error channel. */
export const validated = <A>(result: Result.Result<A, BadRequest>): Effect.Effect<A, BadRequest> =>
  Effect.fromResult(result)

/** Seconds (float) since `startNanos`, measured with the Effect clock: the `elapsed` field. */
export const elapsedSince = (startNanos: bigint) =>
  Effect.map(Clock.currentTimeNanos, (now) => Number(now - startNanos) / 1e9)
