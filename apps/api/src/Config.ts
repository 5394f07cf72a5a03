import { fileURLToPath } from "node:url"
import { logLevel } from "@pt/runtime/Logging"
import { type StoreKind, storeKind } from "@pt/runtime/StoreSelection"
import { Config, ConfigProvider, Context, Duration, Effect, Layer, type LogLevel } from "effect"

/**
 * Every setting of the API, read once with Effect `Config` from the environment variable names the Go
 * service uses (plus a few new ones). docs/configuration-api.md documents each; keep the two in step.
 */
export interface ApiSettings {
  readonly publicPort: number
  readonly metricsPort: number
  readonly logLevel: LogLevel.LogLevel
  readonly logRequests: boolean
  readonly requestorImpl: "storage-broker" | "mock"
  readonly storageBrokerUrl: string
  readonly storageBrokerRole: string
  readonly storageBrokerTimeoutMs: number
  readonly kibanaUrl: string
  readonly kibanaIndex: string
  readonly kibanaServiceField: string
  readonly stalledAfterMs: number
  readonly ingestEnabled: boolean
  readonly ingestMaxItems: number
  readonly ingestMaxBytes: number
  readonly webDistDir: string
  /** Deepest row offset paging may reach on the list endpoints: `(page + 1) * page_size` (then: cursor). */
  readonly maxResultWindow: number
  /** The store to use: PostgreSQL when a database is configured, else the in-memory store. */
  readonly store: StoreKind
}

export class ApiConfig extends Context.Service<ApiConfig, ApiSettings>()("@pt/api/ApiConfig") {}

const DEFAULT_WEB_DIST = fileURLToPath(new URL("../../web/dist", import.meta.url))

const invalid = (message: string) => new Config.ConfigError(new ConfigProvider.SourceError({ message }))

const positiveInt = (name: string, fallback: number) =>
  Config.Int(name).pipe(
    Config.withDefault(fallback),
    Config.mapEffect((n) =>
      n > 0 ? Effect.succeed(n) : Effect.fail(invalid(`${name} must be > 0, got ${n}`)),
    ),
  )

export const settings: Config.Config<ApiSettings> = Config.all({
  publicPort: Config.Port("PUBLICPORT").pipe(Config.withDefault(8080)),
  metricsPort: Config.Port("METRICSPORT").pipe(Config.withDefault(9000)),
  logLevel,
  logRequests: Config.Boolean("LOG_REQUESTS").pipe(Config.withDefault(false)),
  requestorImpl: Config.String("REQUESTOR_IMPL").pipe(
    Config.withDefault("storage-broker"),
    Config.map((v) => (v.trim().toLowerCase() === "mock" ? ("mock" as const) : ("storage-broker" as const))),
  ),
  storageBrokerUrl: Config.String("STORAGEBROKERURL").pipe(
    Config.withDefault("http://storage-broker-processor:8000/archive/url"),
  ),
  storageBrokerRole: Config.String("STORAGEBROKERURLROLE").pipe(
    Config.withDefault("platform-archive-download"),
  ),
  storageBrokerTimeoutMs: positiveInt("STORAGEBROKERREQUESTTIMEOUT", 35_000),
  kibanaUrl: Config.String("KIBANA_URL").pipe(
    Config.withDefault("https://kibana.example.com/app/kibana#/discover"),
  ),
  kibanaIndex: Config.String("KIBANA_INDEX").pipe(Config.withDefault("payload-tracker")),
  kibanaServiceField: Config.String("KIBANA_SERVICE_FIELD").pipe(Config.withDefault("app")),
  stalledAfterMs: Config.Duration("STALLED_AFTER").pipe(
    Config.withDefault(Duration.hours(1)),
    Config.map(Duration.toMillis),
  ),
  ingestEnabled: Config.Boolean("INGEST_HTTP_ENABLED").pipe(Config.withDefault(true)),
  ingestMaxItems: positiveInt("INGEST_MAX_ITEMS", 10_000),
  ingestMaxBytes: positiveInt("INGEST_MAX_BYTES", 16 * 1024 * 1024),
  webDistDir: Config.String("WEB_DIST_DIR").pipe(Config.withDefault(DEFAULT_WEB_DIST)),
  maxResultWindow: positiveInt("API_MAX_RESULT_WINDOW", 10_000),
  store: storeKind,
})

/** Reads the settings from the current ConfigProvider (main.ts installs `@pt/runtime`'s: environment and Clowder). */
export const ApiConfigLayer = Layer.effect(ApiConfig, settings)

/** Settings from `env` (default: none, i.e. the documented defaults) overridden by `overrides`: tests, embedded. */
export const apiConfigFrom = (
  overrides: Partial<ApiSettings>,
  env: Record<string, string | undefined> = {},
) =>
  Layer.effect(
    ApiConfig,
    Effect.map(settings, (base): ApiSettings => ({ ...base, ...overrides })).pipe(
      Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnvRecord(env)),
    ),
  )
