import { Config, ConfigProvider, Effect, Layer, Logger, LogLevel, References } from "effect"

/**
 * LOGLEVEL, parsed one way for every process: the Go service's values (DEBUG, INFO, WARN/WARNING, ERROR, and
 * CRITICAL for fatal) or Effect's level names, case-insensitively. Anything else fails startup, naming the values.
 */
export const logLevel: Config.Config<LogLevel.LogLevel> = Config.String("LOGLEVEL").pipe(
  Config.withDefault("INFO"),
  Config.mapEffect((raw) => {
    const name = raw.trim().toLowerCase()
    const alias = name === "warning" ? "warn" : name === "critical" ? "fatal" : name
    const level = LogLevel.values.find((l) => l.toLowerCase() === alias)
    return level
      ? Effect.succeed(level)
      : Effect.fail(
          new Config.ConfigError(
            new ConfigProvider.SourceError({
              message: `LOGLEVEL must be one of ${LogLevel.values.join(", ")}, got ${raw}`,
            }),
          ),
        )
  }),
)

export interface LogOutput {
  /** Log lines to stderr instead of stdout (the mock producer, when its records own stdout). */
  readonly stderr?: boolean
}

/** One JSON object per line (for the platform's log shipping), without a level filter. */
export const jsonLogger = (output: LogOutput = {}) =>
  output.stderr ? Logger.withConsoleError(Logger.formatJson) : Logger.consoleJson

/** JSON log lines at `level`. */
export const jsonLoggerLayer = (level: LogLevel.LogLevel, output: LogOutput = {}): Layer.Layer<never> =>
  Layer.mergeAll(Logger.layer([jsonLogger(output)]), Layer.succeed(References.MinimumLogLevel, level))

/** JSON log lines at LOGLEVEL read from the current ConfigProvider; a bad LOGLEVEL fails the layer. */
export const LoggerLayer = (output: LogOutput = {}): Layer.Layer<never, Config.ConfigError> =>
  Layer.unwrap(Effect.map(logLevel, (level) => jsonLoggerLayer(level, output)))
