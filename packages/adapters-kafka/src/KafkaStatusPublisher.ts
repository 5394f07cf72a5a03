import { Context, Effect, Layer } from "effect"
import { CompressionTypes, type Message } from "kafkajs"
import { KafkaClient, KafkaUnavailable, scopedProducer } from "./KafkaClient.ts"
import type { KafkaConfig } from "./KafkaConfig.ts"

/** One record to send: raw bytes or text, optional string headers. Keys are always null (docs/status-messages.md). */
export interface OutgoingRecord {
  readonly value: Uint8Array | string
  readonly headers?: Readonly<Record<string, string>>
}

/**
 * Produces records with null keys (the partitioner spreads them, as real producers do) and waits for all
 * in-sync replicas. Used for the dead-letter topic and by the mock producer.
 */
export class KafkaStatusPublisher extends Context.Service<
  KafkaStatusPublisher,
  {
    /** Sends raw records to `topic`; resolves once the broker acknowledged all of them. */
    readonly send: (
      topic: string,
      records: ReadonlyArray<OutgoingRecord>,
    ) => Effect.Effect<void, KafkaUnavailable>
    /** Sends each value as one JSON record to the configured status topic (or `topic`). */
    readonly publishStatuses: (
      values: ReadonlyArray<unknown>,
      topic?: string,
    ) => Effect.Effect<void, KafkaUnavailable>
  }
>()("@pt/adapters-kafka/KafkaStatusPublisher") {
  static readonly layer: Layer.Layer<KafkaStatusPublisher, KafkaUnavailable, KafkaClient | KafkaConfig> =
    Layer.effect(
      KafkaStatusPublisher,
      Effect.gen(function* () {
        const { settings } = yield* KafkaClient
        const producer = yield* scopedProducer({ idempotent: false, maxInFlightRequests: 5 })

        const send = Effect.fnUntraced(function* (topic: string, records: ReadonlyArray<OutgoingRecord>) {
          if (records.length === 0) return
          const messages: Array<Message> = records.map((r) => ({
            key: null,
            value:
              typeof r.value === "string"
                ? r.value
                : Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength),
            ...(r.headers ? { headers: { ...r.headers } } : {}),
          }))
          yield* Effect.tryPromise({
            try: () => producer.send({ topic, messages, acks: -1, compression: CompressionTypes.None }),
            catch: (cause) =>
              new KafkaUnavailable({
                message: `could not send ${records.length} records to ${topic}: ${String(cause)}`,
                cause,
              }),
          })
        })

        const publishStatuses = (values: ReadonlyArray<unknown>, topic?: string) =>
          send(
            topic ?? settings.topic,
            values.map((v) => ({ value: JSON.stringify(v) })),
          )

        return KafkaStatusPublisher.of({ send, publishStatuses })
      }),
    )
}
