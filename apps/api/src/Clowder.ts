import { readFileSync } from "node:fs"
import { ConfigProvider, Effect, Layer, Predicate } from "effect"

/**
 * Clowder (the platform's operator) writes the app's settings to a JSON file named by `ACG_CONFIG`. Its
 * values are mapped onto the same environment variable names the service reads, and act as defaults:
 * an explicitly set environment variable still wins (as in the Go service, where Clowder fills viper's
 * defaults and the environment overrides them).
 */
export const clowderEnv = (config: unknown): Record<string, string> => {
  const env: Record<string, string> = {}
  if (!Predicate.isObject(config)) return env
  const c = config as Record<string, unknown>
  const set = (name: string, value: unknown) => {
    if (typeof value === "string" || typeof value === "number") env[name] = String(value)
  }
  set("PUBLICPORT", c.publicPort)
  set("METRICSPORT", c.metricsPort)
  if (Predicate.isObject(c.database)) {
    const db = c.database as Record<string, unknown>
    set("DB_HOST", db.hostname)
    set("DB_PORT", db.port)
    set("DB_USER", db.username)
    set("DB_PASSWORD", db.password)
    set("DB_NAME", db.name)
    set("DB_SSLMODE", db.sslMode)
  }
  if (Predicate.isObject(c.kafka) && Array.isArray((c.kafka as { brokers?: unknown }).brokers)) {
    const brokers = (c.kafka as { brokers: Array<{ hostname?: unknown; port?: unknown }> }).brokers
      .filter((b) => typeof b?.hostname === "string")
      .map((b) => (b.port === undefined ? String(b.hostname) : `${String(b.hostname)}:${String(b.port)}`))
    if (brokers.length > 0) env.KAFKA_BOOTSTRAP_SERVERS = brokers.join(",")
  }
  return env
}

/** Environment first, then the Clowder file when `ACG_CONFIG` is set. A file that cannot be read fails startup. */
export const configProvider = (
  env: Record<string, string | undefined> = process.env,
): Effect.Effect<ConfigProvider.ConfigProvider, Error> =>
  Effect.try({
    try: () => {
      const fromEnv = ConfigProvider.fromEnvRecord(env)
      const file = env.ACG_CONFIG
      if (file === undefined || file === "") return fromEnv
      const clowder = clowderEnv(JSON.parse(readFileSync(file, "utf8")))
      return ConfigProvider.orElse(fromEnv, ConfigProvider.fromEnvRecord(clowder))
    },
    catch: (cause) =>
      new Error(`cannot read the Clowder config file ACG_CONFIG=${env.ACG_CONFIG}: ${String(cause)}`),
  })

export const ConfigProviderLayer = (env?: Record<string, string | undefined>) =>
  Layer.effect(ConfigProvider.ConfigProvider, configProvider(env))
