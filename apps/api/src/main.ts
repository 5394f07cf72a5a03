import { runApp } from "@pt/runtime/Main"
import { Layer } from "effect"
import { ApiLayer } from "./Server.ts"

// Settings come from the environment (and the Clowder file when ACG_CONFIG is set); see docs/configuration-api.md.
runApp("api", Layer.launch(ApiLayer))
