import { Layer, Logger, References } from "effect"
import { ApiConfig } from "./Config.ts"

/** JSON log lines (one object per line, for the platform's log shipping) at LOGLEVEL. */
export const LoggingLayer = Layer.unwrap(
  ApiConfig.useSync(({ logLevel }) =>
    Layer.mergeAll(Logger.layer([Logger.consoleJson]), Layer.succeed(References.MinimumLogLevel, logLevel)),
  ),
)
