import { NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Exit, Logger, Runtime } from "effect"
import { runConsumer } from "./Consumer.ts"
import { loadConsumerSettings } from "./ConsumerConfig.ts"

// SIGTERM/SIGINT interrupt the program; after the clean shutdown that is a success (exit 0), not Effect's 130.
const teardown: Runtime.Teardown = (exit, onExit) =>
  Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)
    ? onExit(0)
    : Runtime.defaultTeardown(exit, onExit)

// The failure that ends the process (bad config, store down at start, crash) is logged here, inside a JSON
// logger: runMain's own report would use Effect's default (pretty, non-JSON) logger.
const program = Effect.flatMap(loadConsumerSettings(), runConsumer).pipe(
  Effect.tapCause((cause) =>
    Cause.hasInterruptsOnly(cause) ? Effect.void : Effect.logError("consumer stopped", cause),
  ),
  Effect.provide(Logger.layer([Logger.consoleJson])),
)

NodeRuntime.runMain(program, { teardown, disableErrorReporting: true })
