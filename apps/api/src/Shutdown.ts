import { Cause, Context, Deferred, Effect, Exit, Layer, Runtime } from "effect"
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

/** SIGTERM/SIGINT interrupt the program; after a clean shutdown that is a success (exit 0), not Effect's 130. */
export const exitZeroOnInterrupt: Runtime.Teardown = (exit, onExit) =>
  Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)
    ? onExit(0)
    : Runtime.defaultTeardown(exit, onExit)
