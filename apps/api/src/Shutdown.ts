import { Context, Deferred, Effect, Layer } from "effect"
import { HttpServer } from "effect/http"

/**
 * Completed when the public server starts shutting down. Long-lived responses (SSE) end on it; otherwise
 * `server.close()` would wait forever for their connections and Ctrl-C would hang.
 */
export class ShutdownSignal extends Context.Service<ShutdownSignal, Deferred.Deferred<void>>()(
  "@pt/api/ShutdownSignal",
) {}

export const ShutdownSignalLayer = Layer.effect(ShutdownSignal, Deferred.make<void>())

/** Built after the server (it needs HttpServer), so its finalizer runs before the server's close. */
export const SignalOnShutdownLayer = Layer.effectDiscard(
  Effect.gen(function* () {
    const signal = yield* ShutdownSignal
    yield* HttpServer.HttpServer
    yield* Effect.addFinalizer(() => Deferred.succeed(signal, undefined))
  }),
)
