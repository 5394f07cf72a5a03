import { NodeRuntime } from "@effect/platform-node"
import { Layer } from "effect"
import { ConfigProviderLayer } from "./Clowder.ts"
import { ApiLayer } from "./Server.ts"
import { exitZeroOnInterrupt } from "./Shutdown.ts"

// Settings come from the environment (and the Clowder file when ACG_CONFIG is set); see docs/configuration-api.md.
NodeRuntime.runMain(Layer.launch(ApiLayer.pipe(Layer.provide(ConfigProviderLayer()))), {
  teardown: exitZeroOnInterrupt,
})
