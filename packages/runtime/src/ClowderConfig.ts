import { Schema } from "effect"

/**
 * The parts of Clowder's app config (the JSON file named by `ACG_CONFIG`) the processes read. Other keys are
 * ignored; a missing optional section means "not provided by Clowder".
 */
const Text = Schema.optionalKey(Schema.NullOr(Schema.String))
const Num = Schema.optionalKey(Schema.NullOr(Schema.Number))

const ClowderBroker = Schema.Struct({
  hostname: Schema.String,
  port: Num,
  authtype: Text,
  cacert: Text,
  securityProtocol: Text,
  sasl: Schema.optionalKey(
    Schema.NullOr(
      Schema.Struct({ username: Text, password: Text, saslMechanism: Text, securityProtocol: Text }),
    ),
  ),
})

const ClowderDatabase = Schema.Struct({
  hostname: Text,
  port: Num,
  username: Text,
  password: Text,
  name: Text,
  sslMode: Text,
})

export const ClowderDocument = Schema.Struct({
  publicPort: Num,
  metricsPort: Num,
  database: Schema.optionalKey(Schema.NullOr(ClowderDatabase)),
  kafka: Schema.optionalKey(
    Schema.NullOr(
      Schema.Struct({
        brokers: Schema.Array(ClowderBroker),
        topics: Schema.optionalKey(
          Schema.NullOr(Schema.Array(Schema.Struct({ requestedName: Schema.String, name: Schema.String }))),
        ),
      }),
    ),
  ),
})
export type ClowderDocument = typeof ClowderDocument.Type

/**
 * The topic settings and the name each requests when the environment does not name one. Clowder maps a
 * requested topic name to the actual one of the environment (`kafka.topics[].requestedName → name`).
 */
const REQUESTED_TOPICS = {
  KAFKA_TOPIC: "platform.payload-status",
  KAFKA_DLQ_TOPIC: "platform.payload-status.dlq",
} as const

/**
 * Clowder's values under the plain setting names, in two groups:
 * - `defaults`: plain settings (ports) that an explicitly set environment variable overrides, as in the Go
 *   service where Clowder fills viper's defaults;
 * - `overrides`: connection sections (`database`, `kafka`) taken whole from Clowder, the deployment's source of
 *   truth, so a stray DB_* or KAFKA_* variable cannot mix two clusters' settings. The env settings a section
 *   replaces are masked with "" (e.g. KAFKA_SSL_CA_FILE). DATABASE_URL is not touched: it still wins.
 */
interface ClowderSettings {
  readonly defaults: Readonly<Record<string, string>>
  readonly overrides: Readonly<Record<string, string>>
}

const text = (value: string | number | null | undefined): string | undefined =>
  value === null || value === undefined ? undefined : String(value)

const put = (into: Record<string, string>, name: string, value: string | number | null | undefined) => {
  const v = text(value)
  if (v !== undefined) into[name] = v
}

const databaseSettings = (db: NonNullable<ClowderDocument["database"]>): Record<string, string> => {
  const out: Record<string, string> = {}
  put(out, "DB_HOST", db.hostname)
  put(out, "DB_PORT", db.port)
  put(out, "DB_USER", db.username)
  put(out, "DB_PASSWORD", db.password)
  put(out, "DB_NAME", db.name)
  put(out, "DB_SSLMODE", db.sslMode)
  return out
}

const kafkaSettings = (
  kafka: NonNullable<ClowderDocument["kafka"]>,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> => {
  const first = kafka.brokers[0]
  if (first === undefined) return {}
  const out: Record<string, string> = {
    KAFKA_BOOTSTRAP_SERVERS: kafka.brokers.map((b) => `${b.hostname}:${b.port ?? 9092}`).join(","),
  }
  for (const [name, fallback] of Object.entries(REQUESTED_TOPICS)) {
    const requested = env[name] || fallback
    out[name] = kafka.topics?.find((t) => t.requestedName === requested)?.name ?? requested
  }
  // The first broker speaks for the cluster. TLS follows its protocol (or a CA being given); SASL follows
  // `authtype: sasl`, whatever the protocol says.
  const protocol =
    first.sasl?.securityProtocol ?? first.securityProtocol ?? (first.cacert ? "SSL" : "PLAINTEXT")
  const tls = protocol === "SSL" || protocol === "SASL_SSL"
  const sasl = first.authtype === "sasl" && first.sasl ? first.sasl : undefined
  out.KAFKA_SECURITY_PROTOCOL = sasl ? (tls ? "SASL_SSL" : "SASL_PLAINTEXT") : tls ? "SSL" : "PLAINTEXT"
  out.KAFKA_SSL_CA = tls ? (first.cacert ?? "") : ""
  out.KAFKA_SSL_CA_FILE = ""
  out.KAFKA_SASL_MECHANISM = sasl?.saslMechanism ?? "SCRAM-SHA-512"
  out.KAFKA_SASL_USERNAME = sasl?.username ?? ""
  out.KAFKA_SASL_PASSWORD = sasl?.password ?? ""
  return out
}

/** Pure: Clowder's document (and the environment, for requested topic names) as plain settings. */
export const clowderSettings = (
  doc: ClowderDocument,
  env: Readonly<Record<string, string | undefined>>,
): ClowderSettings => {
  const defaults: Record<string, string> = {}
  put(defaults, "PUBLICPORT", doc.publicPort)
  put(defaults, "METRICSPORT", doc.metricsPort)
  return {
    defaults,
    overrides: {
      ...(doc.database ? databaseSettings(doc.database) : {}),
      ...(doc.kafka ? kafkaSettings(doc.kafka, env) : {}),
    },
  }
}
