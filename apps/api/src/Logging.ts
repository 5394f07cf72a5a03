import { jsonLoggerLayer } from "@pt/runtime/Logging"
import { Layer } from "effect"
import { ApiConfig } from "./Config.ts"

/** JSON log lines at the configured level (tests and the embedded start pass their own ApiConfig). */
export const LoggingLayer = Layer.unwrap(ApiConfig.useSync(({ logLevel }) => jsonLoggerLayer(logLevel)))
