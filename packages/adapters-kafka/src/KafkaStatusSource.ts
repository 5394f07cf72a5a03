import type { PayloadStore } from "@pt/domain/ports/PayloadStore"
import type { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { Cause, Context, Deferred, Effect, Exit, Layer } from "effect"
import type { EachBatchPayload } from "kafkajs"
import { handleBatch } from "./BatchHandler.ts"
import { KafkaClient, KafkaUnavailable, scopedConsumer } from "./KafkaClient.ts"
import type { KafkaConfig } from "./KafkaConfig.ts"
import { KafkaStatusPublisher } from "./KafkaStatusPublisher.ts"
import { type ConsumerEventKind, SourceObserver } from "./SourceObserver.ts"

/**
 * The status consumer: group `payload_tracker` on `platform.payload-status` (configurable), every fetched batch
 * handled by `handleBatch` (decode → one store write → dead-letter → commit). Running while its layer is alive;
 * closing the layer stops after the batch in flight, commits it and leaves the group.
 */
export class KafkaStatusSource extends Context.Service<
  KafkaStatusSource,
  {
    /** Fails when the consumer has crashed for good (kafkajs gave up restarting it); never succeeds. */
    readonly fatal: Effect.Effect<never, KafkaUnavailable>
  }
>()("@pt/adapters-kafka/KafkaStatusSource") {
  static readonly layerNoDeps: Layer.Layer<
    KafkaStatusSource,
    KafkaUnavailable,
    KafkaClient | KafkaConfig | KafkaStatusPublisher | PayloadStore | StatusFeed
  > = Layer.effect(
    KafkaStatusSource,
    Effect.gen(function* () {
      const { settings } = yield* KafkaClient
      const publisher = yield* KafkaStatusPublisher
      const observer = yield* SourceObserver
      const services = yield* Effect.context<PayloadStore | StatusFeed>()
      const runExit = Effect.runPromiseExitWith(services)
      const fatal = yield* Deferred.make<never, KafkaUnavailable>()

      const consumer = yield* scopedConsumer()
      // Added after the consumer, so it runs before the consumer disconnects: a batch waiting to retry stops
      // waiting, while a batch being written finishes and commits.
      const stopping = yield* Deferred.make<void>()
      yield* Effect.addFinalizer(() => Deferred.succeed(stopping, undefined))
      const on = (event: string, kind: ConsumerEventKind, react?: (payload: unknown) => void) =>
        consumer.on(event as never, (e: { payload?: unknown }) => {
          observer.consumerEvent(kind, e.payload)
          react?.(e.payload)
        })
      const { events } = consumer
      on(events.CONNECT, "connect")
      on(events.GROUP_JOIN, "group_join")
      on(events.FETCH, "fetch")
      on(events.HEARTBEAT, "heartbeat")
      on(events.DISCONNECT, "disconnect")
      on(events.STOP, "stop")
      on(events.REQUEST_TIMEOUT, "request_error")
      on(events.CRASH, "crash", (payload) => {
        const { error, restart } = payload as { error: Error; restart: boolean }
        if (!restart) {
          Deferred.doneUnsafe(
            fatal,
            Exit.fail(new KafkaUnavailable({ message: `consumer crashed: ${error.message}`, cause: error })),
          )
        }
      })

      const ctx = {
        settings,
        publisher,
        observer,
        pauseTopic: (topic: string) => consumer.pause([{ topic }]),
        resumeTopic: (topic: string) => consumer.resume([{ topic }]),
        stopping: Deferred.await(stopping),
      }

      const eachBatch = async (payload: EachBatchPayload) => {
        const exit = await runExit(handleBatch(ctx, payload))
        if (Exit.isSuccess(exit)) return
        // kafkajs must see commit errors (rebalance, lost connection) to rejoin and redeliver; anything else is a bug.
        const failure = Cause.findErrorOption(exit.cause)
        if (failure._tag === "Some") throw failure.value.cause ?? failure.value
        await runExit(Effect.logError("batch handler defect", exit.cause))
        throw Cause.squash(exit.cause)
      }

      yield* Effect.tryPromise({
        try: async () => {
          // A new group starts from the beginning: statuses produced before the first deployment are not skipped.
          await consumer.subscribe({ topic: settings.topic, fromBeginning: true })
          await consumer.run({
            autoCommit: false,
            eachBatchAutoResolve: false,
            partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
            eachBatch,
          })
        },
        catch: (cause) =>
          new KafkaUnavailable({
            message: `could not start consuming ${settings.topic}: ${String(cause)}`,
            cause,
          }),
      })
      yield* Effect.logInfo(`consuming ${settings.topic} as group ${settings.groupId}`)
      return KafkaStatusSource.of({ fatal: Deferred.await(fatal) })
    }),
  )

  /** The source with its Kafka client and dead-letter producer; the store ports come from the app. */
  static readonly layer = KafkaStatusSource.layerNoDeps.pipe(
    Layer.provide(KafkaStatusPublisher.layer),
    Layer.provideMerge(KafkaClient.layer),
  )
}
