import { KafkaClient } from "@pt/adapters-kafka/KafkaClient"
import { KafkaConfig, KafkaConfigLayer } from "@pt/adapters-kafka/KafkaConfig"
import { KafkaStatusPublisher } from "@pt/adapters-kafka/KafkaStatusPublisher"
import { Effect, Layer } from "effect"
import { recordText } from "../Noise.ts"
import type { TraceRecord } from "../Trace.ts"
import { Output, OutputError } from "./Output.ts"

/**
 * Produces to the status topic like the real services: null keys, JSON values (raw bytes for malformed noise).
 * Brokers and topic come from the adapter's usual env (`KAFKA_BOOTSTRAP_SERVERS`, `KAFKA_TOPIC`, Clowder), with
 * the command-line flags overriding them.
 */
export const KafkaOutputLayer = (options: {
  readonly brokers?: string | undefined
  readonly topic?: string | undefined
}) =>
  Layer.effect(
    Output,
    Effect.gen(function* () {
      const publisher = yield* KafkaStatusPublisher
      const { settings } = yield* KafkaClient
      const topic = settings.topic
      return Output.of({
        describe: `Kafka ${settings.brokers.join(",")} topic ${topic}`,
        send: (records: ReadonlyArray<TraceRecord>) =>
          publisher
            .send(
              topic,
              records.map((r) => ({ value: recordText(r) })),
            )
            .pipe(
              Effect.as({ accepted: records.length, rejected: 0, skipped: 0 }),
              Effect.mapError((e) => new OutputError({ message: e.message })),
            ),
      })
    }),
  ).pipe(
    Layer.provide(KafkaStatusPublisher.layer),
    Layer.provideMerge(KafkaClient.layer),
    Layer.provide(
      Layer.effect(
        KafkaConfig,
        Effect.map(KafkaConfig, (settings) =>
          KafkaConfig.of({
            ...settings,
            ...(options.brokers ? { brokers: options.brokers.split(",").map((b) => b.trim()) } : {}),
            ...(options.topic ? { topic: options.topic } : {}),
          }),
        ),
      ).pipe(Layer.provide(KafkaConfigLayer)),
    ),
  )
