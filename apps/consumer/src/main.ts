import { NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Exit, Runtime } from "effect"
import { runConsumer } from "./Consumer.ts"
import { loadConsumerSettings } from "./ConsumerConfig.ts"

// SIGTERM/SIGINT interrupt the program; after the clean shutdown that is a success (exit 0), not Effect's 130.
const teardown: Runtime.Teardown = (exit, onExit) =>
  Exit.isFailure(exit) && Cause.hasInterruptsOnly(exit.cause)
    ? onExit(0)
    : Runtime.defaultTeardown(exit, onExit)

NodeRuntime.runMain(Effect.flatMap(loadConsumerSettings(), runConsumer), { teardown })
