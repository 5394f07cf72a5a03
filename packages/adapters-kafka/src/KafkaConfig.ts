import { readFileSync } from "node:fs"
import { MAX_STATUS_BYTES } from "@pt/domain/StatusMessage"
import { Config, Context, Effect, Layer, Option, Redacted } from "effect"

/**
 * Everything the Kafka adapter needs to know, read once from plain setting names through the current
 * ConfigProvider. Under Clowder the apps install one (`@pt/runtime/AppConfigProvider`) that serves the brokers,
 * security and actual topic names from the Clowder file under these same names.
 */
export interface KafkaSettings {
  readonly brokers: ReadonlyArray<string>
  readonly clientId: string
  readonly groupId: string
  /** Topic the statuses are consumed from (Clowder may map the requested name to another actual name). */
  readonly topic: string
  readonly dlqTopic: string
  readonly ssl: boolean | { readonly ca: ReadonlyArray<string> }
  readonly sasl: Option.Option<{
    readonly mechanism: "plain" | "scram-sha-256" | "scram-sha-512"
    readonly username: string
    readonly password: Redacted.Redacted<string>
  }>
  readonly maxBytesPerPartition: number
  readonly sessionTimeoutMs: number
  readonly heartbeatIntervalMs: number
  readonly partitionsConsumedConcurrently: number
  readonly logLevel: "NOTHING" | "ERROR" | "WARN" | "INFO" | "DEBUG"
}

export class KafkaConfig extends Context.Service<KafkaConfig, KafkaSettings>()(
  "@pt/adapters-kafka/KafkaConfig",
) {}

const mechanism = (raw: string): "plain" | "scram-sha-256" | "scram-sha-512" => {
  const m = raw.toLowerCase()
  return m === "plain" || m === "scram-sha-256" ? m : "scram-sha-512"
}

const int = (name: string, fallback: number) => Config.Int(name).pipe(Config.withDefault(fallback))
const str = (name: string, fallback: string) => Config.String(name).pipe(Config.withDefault(fallback))

const envSettings = Config.all({
  brokers: str("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092"),
  clientId: str("KAFKA_CLIENT_ID", "payload-tracker"),
  groupId: str("KAFKA_GROUP_ID", "payload_tracker"),
  // The requested names (`@pt/runtime/ClowderConfig` REQUESTED_TOPICS maps them under Clowder).
  topic: str("KAFKA_TOPIC", "platform.payload-status"),
  dlqTopic: str("KAFKA_DLQ_TOPIC", "platform.payload-status.dlq"),
  securityProtocol: Config.Literals(
    ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"],
    "KAFKA_SECURITY_PROTOCOL",
  ).pipe(Config.withDefault("PLAINTEXT")),
  saslMechanism: str("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512"),
  saslUsername: str("KAFKA_SASL_USERNAME", ""),
  saslPassword: Config.Redacted("KAFKA_SASL_PASSWORD").pipe(Config.withDefault(Redacted.make(""))),
  // The CA as PEM text (what Clowder gives) or as a file; the text wins.
  ca: str("KAFKA_SSL_CA", ""),
  caFile: str("KAFKA_SSL_CA_FILE", ""),
  maxBytesPerPartition: int("KAFKA_MAX_BYTES_PER_PARTITION", 1024 * 1024),
  sessionTimeoutMs: int("KAFKA_SESSION_TIMEOUT_MS", 30_000),
  heartbeatIntervalMs: int("KAFKA_HEARTBEAT_INTERVAL_MS", 3_000),
  // Two batches in flight keep both the consumer and PostgreSQL busy: +26% throughput in bench:ingest
  // (23.7k → 29.9k msg/s, RSS 204 → 223 MB). Writers never deadlock: rows are locked in a global order.
  partitionsConsumedConcurrently: int("KAFKA_PARTITIONS_CONSUMED_CONCURRENTLY", 2),
  logLevel: Config.Literals(["NOTHING", "ERROR", "WARN", "INFO", "DEBUG"], "KAFKA_LOG_LEVEL").pipe(
    Config.withDefault("WARN"),
  ),
  // Retired: the size of a status is one domain rule for Kafka and HTTP ingest (MAX_STATUS_BYTES).
  retiredMaxRecordBytes: Config.option(Config.String("KAFKA_MAX_RECORD_BYTES")),
})

// Pure but for reading KAFKA_SSL_CA_FILE.
const resolveSettings = (env: Config.Success<typeof envSettings>): KafkaSettings => {
  const tls = env.securityProtocol === "SSL" || env.securityProtocol === "SASL_SSL"
  const ca = env.ca !== "" ? env.ca : env.caFile !== "" ? readFileSync(env.caFile, "utf8") : undefined
  return {
    brokers: env.brokers
      .split(",")
      .map((b) => b.trim())
      .filter((b) => b !== ""),
    clientId: env.clientId,
    groupId: env.groupId,
    topic: env.topic,
    dlqTopic: env.dlqTopic,
    ssl: tls && ca !== undefined ? { ca: [ca] } : tls,
    sasl: env.securityProtocol.startsWith("SASL")
      ? Option.some({
          mechanism: mechanism(env.saslMechanism),
          username: env.saslUsername,
          password: env.saslPassword,
        })
      : Option.none(),
    maxBytesPerPartition: env.maxBytesPerPartition,
    sessionTimeoutMs: env.sessionTimeoutMs,
    heartbeatIntervalMs: env.heartbeatIntervalMs,
    partitionsConsumedConcurrently: env.partitionsConsumedConcurrently,
    logLevel: env.logLevel,
  }
}

export const KafkaConfigLayer: Layer.Layer<KafkaConfig, Config.ConfigError> = Layer.effect(
  KafkaConfig,
  Effect.gen(function* () {
    const env = yield* envSettings
    if (Option.isSome(env.retiredMaxRecordBytes)) {
      yield* Effect.logWarning(
        `KAFKA_MAX_RECORD_BYTES is no longer read: every status, from Kafka or HTTP, is at most ${MAX_STATUS_BYTES} bytes`,
      )
    }
    return KafkaConfig.of(resolveSettings(env))
  }),
)

/** Settings with overrides (tests, benchmarks): environment defaults first, then the given fields. */
export const kafkaConfigWith = (
  overrides: Partial<KafkaSettings>,
): Layer.Layer<KafkaConfig, Config.ConfigError> =>
  Layer.effect(
    KafkaConfig,
    Effect.map(envSettings, (env) => KafkaConfig.of({ ...resolveSettings(env), ...overrides })),
  )
