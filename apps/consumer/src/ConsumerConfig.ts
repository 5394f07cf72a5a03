import { readFileSync } from "node:fs"
import { Config, Duration, Effect, LogLevel, Option } from "effect"

export interface ConsumerSettings {
  readonly metricsPort: number
  readonly logLevel: LogLevel.LogLevel
  /** `postgres` when a database is configured (DATABASE_URL, DB_HOST or Clowder), else the in-memory store. */
  readonly store: "postgres" | "memory"
  readonly maintenanceIntervalMs: number
  readonly stuckAfterMs: number
  /** `/ready` fails when the broker has not answered (fetch, heartbeat, commit) for this long. */
  readonly brokerSilenceMs: number
}

const logLevel = Config.String("LOGLEVEL").pipe(
  Config.withDefault("INFO"),
  Config.map((raw) => {
    const name = raw.trim().toLowerCase()
    const alias = name === "warning" ? "warn" : name === "critical" ? "fatal" : name
    return LogLevel.values.find((l) => l.toLowerCase() === alias) ?? "Info"
  }),
)

const clowderMetricsPort = (path: string): number | undefined => {
  const doc = JSON.parse(readFileSync(path, "utf8")) as { metricsPort?: number }
  return doc.metricsPort
}

export const consumerSettings: Config.Config<ConsumerSettings> = Config.all({
  metricsPort: Config.option(Config.Port("METRICSPORT")),
  logLevel,
  databaseUrl: Config.String("DATABASE_URL").pipe(Config.withDefault("")),
  dbHost: Config.String("DB_HOST").pipe(Config.withDefault("")),
  acg: Config.option(Config.String("ACG_CONFIG")),
  maintenanceIntervalMs: Config.Duration("MAINTENANCE_INTERVAL").pipe(
    Config.withDefault(Duration.hours(1)),
    Config.map(Duration.toMillis),
  ),
  stuckAfterMs: Config.Int("CONSUMER_STUCK_AFTER_MS").pipe(Config.withDefault(120_000)),
  // Idle, a fetch is answered every 0.5 s and a heartbeat every 3 s (also while a batch is retried): 10 s of
  // silence is an outage, not a slow answer.
  brokerSilenceMs: Config.Int("CONSUMER_READY_SILENCE_MS").pipe(Config.withDefault(10_000)),
}).pipe(
  Config.map((c): ConsumerSettings => {
    const clowderPort = Option.isSome(c.acg) ? clowderMetricsPort(c.acg.value) : undefined
    return {
      metricsPort: Option.getOrElse(c.metricsPort, () => clowderPort ?? 9000),
      logLevel: c.logLevel,
      store: c.databaseUrl !== "" || c.dbHost !== "" || Option.isSome(c.acg) ? "postgres" : "memory",
      maintenanceIntervalMs: c.maintenanceIntervalMs,
      stuckAfterMs: c.stuckAfterMs,
      brokerSilenceMs: c.brokerSilenceMs,
    }
  }),
)

export const loadConsumerSettings = Effect.fnUntraced(function* () {
  return yield* consumerSettings
})
