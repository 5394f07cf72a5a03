import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import { Cause, Effect, Exit, Logger, Runtime } from "effect"
import { AppConfigProviderLayer } from "./AppConfigProvider.ts"
import { jsonLogger, LoggerLayer, type LogOutput } from "./Logging.ts"

/** SIGTERM/SIGINT interrupt the program; after a clean shutdown that is a success (exit 0), not Effect's 130. */
export const exitZeroOnInterrupt: Runtime.Teardown = (exit, onExit) =>
  Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)
    ? onExit(0)
    : Runtime.defaultTeardown(exit, onExit)

/**
 * `program` with the process wiring every app shares: settings from the environment and Clowder
 * (`AppConfigProviderLayer`), JSON logs at LOGLEVEL, and the failure that ends the process (bad setting, store down
 * at start, crash) logged as one JSON line "<name> stopped" — runMain's own report would use Effect's default
 * (pretty) logger.
 */
const withAppRuntime = <A, E>(
  name: string,
  program: Effect.Effect<A, E>,
  output: LogOutput = {},
): Effect.Effect<A, unknown> =>
  program.pipe(
    Effect.provide(LoggerLayer(output)),
    Effect.provide(AppConfigProviderLayer()),
    Effect.tapCause((cause) =>
      Cause.hasInterruptsOnly(cause) ? Effect.void : Effect.logError(`${name} stopped`, cause),
    ),
    Effect.provide(Logger.layer([jsonLogger(output)])),
  )

/** Runs an app's `program` until it ends or SIGTERM/SIGINT stops it gracefully (exit 0); failure exits 1. */
export const runApp = <A, E>(name: string, program: Effect.Effect<A, E>, output: LogOutput = {}): void =>
  NodeRuntime.runMain(withAppRuntime(name, program, output), {
    teardown: exitZeroOnInterrupt,
    disableErrorReporting: true,
  })
