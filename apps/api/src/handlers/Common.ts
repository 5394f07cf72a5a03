import type { StoreUnavailable } from "@pt/domain/Errors"
import { Clock, Effect, Predicate, type Result } from "effect"
import { type BadRequest, ServiceUnavailable } from "../ApiErrors.ts"

/** Store failures are never an empty 200 (api-v1.md, Fix): they answer 503 with the error body. */
export const unavailable = (e: StoreUnavailable) =>
  ServiceUnavailable.of(`the payload store is unavailable: ${e.message}`)

export const orUnavailable = <A, E, R>(
  effect: Effect.Effect<A, E, R>,
): Effect.Effect<A, Exclude<E, StoreUnavailable> | ServiceUnavailable, R> =>
  Effect.mapError(effect, (e) =>
    Predicate.isTagged(e, "StoreUnavailable") ? unavailable(e as unknown as StoreUnavailable) : e,
  ) as Effect.Effect<A, Exclude<E, StoreUnavailable> | ServiceUnavailable, R>

/** Lifts a validation result into the handler's error channel. */
export const validated = <A>(result: Result.Result<A, BadRequest>): Effect.Effect<A, BadRequest> =>
  Effect.fromResult(result)

/** Seconds (float) since `startNanos`, measured with the Effect clock: the `elapsed` field. */
export const elapsedSince = (startNanos: bigint) =>
  Effect.map(Clock.currentTimeNanos, (now) => Number(now - startNanos) / 1e9)
