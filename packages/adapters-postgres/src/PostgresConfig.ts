import { Config, ConfigProvider, Effect, Option, Redacted } from "effect"
import type pg from "pg"

/** One server to connect to. */
export interface PostgresAddress {
  readonly host: string
  readonly port: number
  readonly user: string
  readonly password: Redacted.Redacted<string>
  readonly database: string
  /** `require`/`verify-full` turn TLS on (Clowder's `sslMode`); anything else is plain TCP. */
  readonly sslMode: string
}

/** Where and how to connect, plus the store's own settings. */
export interface PostgresConfig extends PostgresAddress {
  readonly poolSize: number
  /**
   * PostgreSQL's statement_timeout (ms, 0 = none) of the query pool: every read, lookup and ping. A statement
   * cancelled by it is a StoreUnavailable saying so. Default DEFAULT_STATEMENT_TIMEOUT_MS.
   */
  readonly statementTimeoutMs?: number
  /** statement_timeout (ms, 0 = none) of the consumer's write transaction. Default DEFAULT_WRITE_STATEMENT_TIMEOUT_MS. */
  readonly writeStatementTimeoutMs?: number
  /**
   * DB_WRITE_SUMMARY `false` (benchmarks only: `bench:ingest` measures the summary's cost with it): the write
   * skips the payload summary, so outcome/service/status filters, list summaries, host history and /pipeline go
   * stale. Default `true`.
   */
  readonly writeSummary?: boolean
  /**
   * Longest wait (ms) for a pool connection, opening a new one included: with every connection busy a request
   * fails fast instead of queueing forever. Default DEFAULT_POOL_ACQUIRE_TIMEOUT_MS.
   */
  readonly poolAcquireTimeoutMs?: number
  readonly migrateOnStart: boolean
  readonly retentionDays: number
  /** Daily partitions created ahead of today. */
  readonly partitionsAheadDays: number
  /**
   * DB_POOLER `transaction`: the address above is a transaction-mode pooler (PgBouncer), whose server
   * connections change hands at every COMMIT. The pools then send no startup parameters and no named prepared
   * statements, and set their session settings per transaction (docs/postgres.md, "Behind PgBouncer").
   */
  readonly pooler?: "none" | "transaction"
  /**
   * DATABASE_DIRECT_URL: straight to PostgreSQL, for the connections that need a session of their own (the live
   * feed's LISTEN, the migrator and its advisory lock). Default: the address above.
   */
  readonly direct?: PostgresAddress
  /**
   * DATABASE_READ_URL or DB_READ_HOST: a hot standby that answers the PayloadQueries reads while writes, the
   * feed, migrations and pings stay on the address above (ReadReplica.ts, docs/postgres.md "Read replica").
   */
  readonly readReplica?: ReadReplicaSettings | undefined
}

// User reads answer within milliseconds; 5 s is an offset scan gone wrong, not a slow day.
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5_000
// A batch write is retried when cancelled (it is idempotent), so its bound is generous: one that always took
// longer would be retried forever.
export const DEFAULT_WRITE_STATEMENT_TIMEOUT_MS = 60_000
export const DEFAULT_POOL_ACQUIRE_TIMEOUT_MS = 3_000

const fromUrl = (text: string) => {
  const url = new URL(text)
  return {
    host: decodeURIComponent(url.hostname),
    port: url.port === "" ? 5432 : Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: decodeURIComponent(url.pathname.replace(/^\//, "")),
    sslMode: url.searchParams.get("sslmode") ?? "disable",
  }
}

/** Where the read replica is and how much replay lag its reads may have; parts DB_READ_* leave out are the primary's. */
export interface ReadReplicaSettings {
  readonly host: string
  readonly port?: number
  readonly user?: string
  readonly password?: Redacted.Redacted<string>
  readonly database?: string
  readonly sslMode?: string
  /** DB_READ_MAX_LAG_MS: replay lag beyond which the reads go to the primary; 0 = no bound. */
  readonly maxLagMs: number
}

// Lists and a payload's track may be seconds old, not minutes: someone watching a payload would see it stuck.
export const DEFAULT_READ_MAX_LAG_MS = 30_000

/** DATABASE_READ_URL (complete, as DATABASE_URL), else DB_READ_HOST with DB_READ_PORT/USER/PASSWORD/NAME/SSLMODE. */
const readReplicaSettings: Config.Config<ReadReplicaSettings | undefined> = Config.all({
  url: Config.option(Config.String("DATABASE_READ_URL")),
  host: Config.option(Config.String("DB_READ_HOST")),
  port: Config.option(Config.Int("DB_READ_PORT")),
  user: Config.option(Config.String("DB_READ_USER")),
  password: Config.option(Config.String("DB_READ_PASSWORD")),
  database: Config.option(Config.String("DB_READ_NAME")),
  sslMode: Config.option(Config.String("DB_READ_SSLMODE")),
  maxLagMs: Config.withDefault(Config.Int("DB_READ_MAX_LAG_MS"), DEFAULT_READ_MAX_LAG_MS),
}).pipe(
  Config.mapEffect(({ url, host, port, user, password, database, sslMode, maxLagMs }) => {
    if (maxLagMs < 0)
      return Effect.fail(
        new Config.ConfigError(
          new ConfigProvider.SourceError({ message: `DB_READ_MAX_LAG_MS must be >= 0, got ${maxLagMs}` }),
        ),
      )
    if (Option.isSome(url)) {
      const u = fromUrl(url.value)
      return Effect.succeed({ ...u, password: Redacted.make(u.password), maxLagMs })
    }
    if (Option.isNone(host)) return Effect.succeed(undefined)
    return Effect.succeed({
      host: host.value,
      ...Option.match(port, { onNone: () => ({}), onSome: (v) => ({ port: v }) }),
      ...Option.match(user, { onNone: () => ({}), onSome: (v) => ({ user: v }) }),
      ...Option.match(password, { onNone: () => ({}), onSome: (v) => ({ password: Redacted.make(v) }) }),
      ...Option.match(database, { onNone: () => ({}), onSome: (v) => ({ database: v }) }),
      ...Option.match(sslMode, { onNone: () => ({}), onSome: (v) => ({ sslMode: v }) }),
      maxLagMs,
    })
  }),
)

/**
 * Read through the current ConfigProvider: `DATABASE_URL`, else `DB_HOST/DB_PORT/DB_USER/DB_PASSWORD/DB_NAME`
 * (defaults: localhost:5432, user/db `payloadtracker`). Under Clowder the apps' provider
 * (`@pt/runtime/AppConfigProvider`) serves the file's database section under the DB_* names.
 */
export const postgresConfig: Config.Config<PostgresConfig> = Config.all({
  url: Config.option(Config.String("DATABASE_URL")),
  host: Config.withDefault(Config.String("DB_HOST"), "localhost"),
  port: Config.withDefault(Config.Int("DB_PORT"), 5432),
  user: Config.withDefault(Config.String("DB_USER"), "payloadtracker"),
  password: Config.withDefault(Config.String("DB_PASSWORD"), ""),
  database: Config.withDefault(Config.String("DB_NAME"), "payloadtracker"),
  sslMode: Config.withDefault(Config.String("DB_SSLMODE"), "disable"),
  poolSize: Config.withDefault(Config.Int("DB_POOL_SIZE"), 10),
  statementTimeoutMs: Config.withDefault(Config.Int("DB_STATEMENT_TIMEOUT_MS"), DEFAULT_STATEMENT_TIMEOUT_MS),
  writeStatementTimeoutMs: Config.withDefault(
    Config.Int("DB_WRITE_STATEMENT_TIMEOUT_MS"),
    DEFAULT_WRITE_STATEMENT_TIMEOUT_MS,
  ),
  writeSummary: Config.withDefault(Config.Boolean("DB_WRITE_SUMMARY"), true),
  poolAcquireTimeoutMs: Config.withDefault(
    Config.Int("DB_POOL_ACQUIRE_TIMEOUT_MS"),
    DEFAULT_POOL_ACQUIRE_TIMEOUT_MS,
  ),
  migrateOnStart: Config.withDefault(Config.Boolean("DB_MIGRATE_ON_START"), false),
  retentionDays: Config.withDefault(Config.Int("RETENTION_DAYS"), 7),
  partitionsAheadDays: Config.withDefault(Config.Int("PARTITIONS_AHEAD_DAYS"), 3),
  pooler: Config.withDefault(Config.Literals(["none", "transaction"], "DB_POOLER"), "none"),
  directUrl: Config.option(Config.String("DATABASE_DIRECT_URL")),
  readReplica: readReplicaSettings,
}).pipe(
  Config.map(({ url, password, directUrl, ...rest }) => {
    const direct = Option.match(directUrl, {
      onNone: () => ({}),
      onSome: (text) => {
        const u = fromUrl(text)
        return { direct: { ...u, password: Redacted.make(u.password) } }
      },
    })
    if (Option.isSome(url)) {
      const u = fromUrl(url.value)
      return { ...rest, ...u, password: Redacted.make(u.password), ...direct }
    }
    return { ...rest, password: Redacted.make(password), ...direct }
  }),
)

/** The address of the session-bound connections: DATABASE_DIRECT_URL, else the pool's. */
export const directConfig = (config: PostgresConfig): PostgresConfig =>
  config.direct === undefined ? config : { ...config, ...config.direct }

export const loadPostgresConfig = Effect.fnUntraced(function* (overrides: Partial<PostgresConfig> = {}) {
  const config = yield* postgresConfig
  return { ...config, ...overrides } satisfies PostgresConfig
})

/** Where and how a `pg` client connects (TLS from sslMode); the pools and the feed's client add their own settings. */
export const pgConnection = (config: PostgresConfig): pg.ClientConfig => ({
  host: config.host,
  port: config.port,
  user: config.user,
  password: Redacted.value(config.password),
  database: config.database,
  ...(config.sslMode === "require" || config.sslMode.startsWith("verify")
    ? { ssl: { rejectUnauthorized: config.sslMode.startsWith("verify") } }
    : {}),
})
