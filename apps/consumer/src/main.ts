import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { runConsumer } from "./Consumer.ts"
import { loadConsumerSettings } from "./ConsumerConfig.ts"

NodeRuntime.runMain(Effect.flatMap(loadConsumerSettings(), runConsumer))
