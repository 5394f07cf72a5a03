import type { PayloadStore } from "@pt/domain/ports/PayloadStore"
import type { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { Cause, Context, Deferred, Duration, Effect, Exit, FiberSet, Layer } from "effect"
import type { EachBatchPayload } from "kafkajs"
import { handleBatch, MAX_BACKOFF_MS } from "./BatchHandler.ts"
import { KafkaClient, KafkaUnavailable, scopedConsumer } from "./KafkaClient.ts"
import type { KafkaConfig } from "./KafkaConfig.ts"
import { KafkaStatusPublisher } from "./KafkaStatusPublisher.ts"
import { type ConsumerEventKind, SourceObserver } from "./SourceObserver.ts"

/** Errors kafkajs does not restart from although they only say no broker answered (kafkajs error names). */
const BROKER_UNREACHABLE = new Set([
  "KafkaJSGroupCoordinatorNotFound",
  "KafkaJSConnectionError",
  "KafkaJSBrokerNotFound",
])

/** Whether a crash (or an error it wraps) is only the brokers being unreachable. */
export const brokerUnreachable = (error: unknown): boolean =>
  error instanceof Error &&
  (BROKER_UNREACHABLE.has(error.name) || brokerUnreachable((error as { cause?: unknown }).cause))

/**
 * The wait before the n-th restart since the last group join: 1 s doubling up to 30 s, drawn within ±20 % as
 * `Schedule.jittered` draws retryBackoff's waits, so that the consumers of a group that all lost the brokers
 * do not rejoin in step. `random` is in [0, 1).
 */
export const restartDelay = (n: number, random: number = Math.random()): Duration.Duration => {
  const millis = Math.min(1_000 * 2 ** n, MAX_BACKOFF_MS)
  return Duration.millis(millis * 0.8 * (1 - random) + millis * 1.2 * random)
}

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
      // Restarts of the consumer by this source (the CRASH handler below) since the last group join.
      let restartsSinceJoin = 0
      on(events.CONNECT, "connect")
      on(events.GROUP_JOIN, "group_join", () => {
        restartsSinceJoin = 0
      })
      on(events.FETCH, "fetch")
      on(events.HEARTBEAT, "heartbeat")
      on(events.DISCONNECT, "disconnect")
      on(events.STOP, "stop")
      on(events.REQUEST_TIMEOUT, "request_error")
      // kafkajs restarts after a retriable crash only. A broker that cannot be reached at the moment of a
      // rejoin (restarting, or briefly unreachable) ends in a non-retriable "Failed to find group coordinator":
      // the consumer is restarted here instead, after 1 s doubling up to 30 s (restartDelay), until a join
      // succeeds. Other non-retriable crashes (authorization, configuration) are fatal.
      const restartFork = yield* FiberSet.makeRuntime<never, void, never>()
      consumer.on(events.CRASH, (e) => {
        const { error, restart } = e.payload
        const restartHere = !restart && brokerUnreachable(error)
        observer.consumerEvent("crash", { ...e.payload, restart: restart || restartHere })
        if (restart) return
        if (!restartHere) {
          Deferred.doneUnsafe(
            fatal,
            Exit.fail(new KafkaUnavailable({ message: `consumer crashed: ${error.message}`, cause: error })),
          )
          return
        }
        const delay = restartDelay(restartsSinceJoin++)
        restartFork(
          Effect.logWarning(
            `consumer stopped (${error.message}); restarting it in ${Math.round(Duration.toMillis(delay))} ms`,
          ).pipe(
            Effect.andThen(Effect.sleep(delay)),
            Effect.andThen(
              Effect.tryPromise({
                try: () => consumer.run(runOptions),
                catch: (cause) =>
                  new KafkaUnavailable({
                    message: `could not restart the consumer: ${String(cause)}`,
                    cause,
                  }),
              }),
            ),
            Effect.catch((failure) => Deferred.fail(fatal, failure)),
            Effect.asVoid,
          ),
        )
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

      const runOptions = {
        autoCommit: false,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
        eachBatch,
      }
      yield* Effect.tryPromise({
        try: async () => {
          // A new group starts from the beginning: statuses produced before the first deployment are not skipped.
          await consumer.subscribe({ topic: settings.topic, fromBeginning: true })
          await consumer.run(runOptions)
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
