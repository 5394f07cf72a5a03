import { Context, Effect, Layer, type LogLevel, Option, Redacted, Schema, type Scope } from "effect"
import {
  type Consumer,
  type ConsumerConfig,
  Kafka,
  type KafkaConfig as KafkaJsConfig,
  type LogEntry,
  type logCreator,
  logLevel,
  Partitioners,
  type Producer,
  type ProducerConfig,
  type SASLOptions,
} from "kafkajs"
import { KafkaConfig, type KafkaSettings } from "./KafkaConfig.ts"

/** Kafka could not be reached or refused a request (connect, send, commit). */
export class KafkaUnavailable extends Schema.TaggedError<KafkaUnavailable>()("KafkaUnavailable", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect()),
}) {}

const LEVELS: Record<number, LogLevel.Severity> = {
  [logLevel.ERROR]: "Error",
  [logLevel.WARN]: "Warn",
  [logLevel.INFO]: "Info",
  [logLevel.DEBUG]: "Debug",
}

/**
 * kafkajs logs through its own callback (by default to the console, not JSON): route every entry into the Effect
 * logger of `context` instead, so its lines have the app's format (one JSON object per line), pass the app's
 * LOGLEVEL and carry the entry's fields (broker, clientId, error, retryCount, …) as annotations. kafkajs's own
 * `KAFKA_LOG_LEVEL` still filters before that.
 */
const effectLogCreator =
  (context: Context.Context<never>): logCreator =>
  () => {
    const runSync = Effect.runSyncWith(context)
    return (entry: LogEntry) => {
      const { message, timestamp: _t, logger: _l, ...fields } = entry.log
      runSync(
        Effect.logWithLevel(LEVELS[entry.level] ?? "Info")(`kafkajs ${entry.namespace}: ${message}`).pipe(
          Effect.annotateLogs({ ...fields, kafkajs: entry.namespace }),
        ),
      )
    }
  }

const saslOptions = (settings: KafkaSettings): SASLOptions | undefined =>
  Option.match(settings.sasl, {
    onNone: () => undefined,
    onSome: (s): SASLOptions =>
      ({ mechanism: s.mechanism, username: s.username, password: Redacted.value(s.password) }) as SASLOptions,
  })

/**
 * kafkajs client options from the settings (exported for tests and the benchmark's own clients). Logs go to
 * `logs` (the layer passes `effectLogCreator` of its context).
 */
const kafkaJsConfig = (settings: KafkaSettings, logs: logCreator): KafkaJsConfig => {
  const sasl = saslOptions(settings)
  return {
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    ssl: typeof settings.ssl === "boolean" ? settings.ssl : { ca: [...settings.ssl.ca] },
    ...(sasl ? { sasl } : {}),
    logLevel: logLevel[settings.logLevel],
    logCreator: logs,
    connectionTimeout: 5_000,
    // Keep retrying for about a minute: a restarting broker is back before that; beyond it the consumer restarts.
    retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 12 },
  }
}

/** The kafkajs entry point for the configured cluster. Connections are made by the scoped helpers below. */
export class KafkaClient extends Context.Service<
  KafkaClient,
  { readonly kafka: Kafka; readonly settings: KafkaSettings }
>()("@pt/adapters-kafka/KafkaClient") {
  static readonly layer: Layer.Layer<KafkaClient, never, KafkaConfig> = Layer.effect(
    KafkaClient,
    Effect.gen(function* () {
      const settings = yield* KafkaConfig
      // The context the layer is built in carries the app's logger (Consumer.ts and the mock producer provide it).
      const context = yield* Effect.context<never>()
      return KafkaClient.of({
        kafka: new Kafka(kafkaJsConfig(settings, effectLogCreator(context))),
        settings,
      })
    }),
  )
}

const connected = <A extends { connect: () => Promise<void>; disconnect: () => Promise<void> }>(
  what: string,
  make: () => A,
): Effect.Effect<A, KafkaUnavailable, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        const client = make()
        await client.connect()
        return client
      },
      catch: (cause) =>
        new KafkaUnavailable({ message: `could not connect the Kafka ${what}: ${String(cause)}`, cause }),
    }),
    (client) => Effect.promise(() => client.disconnect().catch(() => undefined)),
  )

/** A connected producer, disconnected when the scope closes. */
export const scopedProducer = (config?: ProducerConfig) =>
  Effect.flatMap(KafkaClient, ({ kafka }) =>
    connected<Producer>("producer", () =>
      kafka.producer({
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
        ...config,
      }),
    ),
  )

/**
 * A consumer in the configured group. Disconnecting stops the run loop after the batch in flight, commits what
 * was resolved and leaves the group, so a rolling restart hands partitions over at once.
 */
export const scopedConsumer = (config?: Partial<ConsumerConfig>) =>
  Effect.flatMap(KafkaClient, ({ kafka, settings }) =>
    connected<Consumer>("consumer", () =>
      kafka.consumer({
        groupId: settings.groupId,
        sessionTimeout: settings.sessionTimeoutMs,
        heartbeatInterval: settings.heartbeatIntervalMs,
        maxBytesPerPartition: settings.maxBytesPerPartition,
        maxBytes: Math.max(1024 * 1024, settings.maxBytesPerPartition * 4),
        maxWaitTimeInMs: 500,
        allowAutoTopicCreation: false,
        ...config,
      }),
    ),
  )
