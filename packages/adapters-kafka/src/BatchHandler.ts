import { recordEvents } from "@pt/domain/Ingest"
import type { PayloadStore } from "@pt/domain/ports/PayloadStore"
import type { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { Clock, Effect, Option, Result } from "effect"
import type { EachBatchPayload } from "kafkajs"
import { decodeBatch } from "./BatchDecoder.ts"
import { toDeadLetter } from "./DeadLetter.ts"
import { KafkaUnavailable } from "./KafkaClient.ts"
import type { KafkaSettings } from "./KafkaConfig.ts"
import type { KafkaStatusPublisher } from "./KafkaStatusPublisher.ts"
import type { SourceObserverShape } from "./SourceObserver.ts"

/** What the batch handler needs from the consumer beyond kafkajs's per-batch payload. */
export interface HandlerContext {
  readonly settings: KafkaSettings
  readonly publisher: KafkaStatusPublisher["Service"]
  readonly observer: SourceObserverShape
  /** Stops fetching the topic while a dependency is down, so nothing piles up in memory. */
  readonly pauseTopic: (topic: string) => void
  readonly resumeTopic: (topic: string) => void
}

const REBALANCE_ERRORS = new Set([
  "REBALANCE_IN_PROGRESS",
  "UNKNOWN_MEMBER_ID",
  "ILLEGAL_GENERATION",
  "FENCED_INSTANCE_ID",
])
const MAX_BACKOFF_MS = 30_000
const seconds = (from: bigint, to: bigint) => Number(to - from) / 1e9

/**
 * Handles one fetched batch of one partition, the consumer's unit of work:
 * decode every record → one store write of the valid ones → dead-letter the rejected ones → commit.
 * Offsets move only after both succeeded. A failing dependency is retried in place with capped exponential
 * backoff while the topic is paused and the group membership is kept alive by heartbeats; the batch is abandoned
 * uncommitted (to be redelivered) only when the consumer stops or loses the partition.
 * Fails only with the commit error, which kafkajs must see to rejoin the group.
 */
export const handleBatch = (ctx: HandlerContext, payload: EachBatchPayload) =>
  Effect.scoped(
    Effect.gen(function* () {
      const { batch } = payload
      if (batch.isEmpty() || !payload.isRunning() || payload.isStale()) return
      const started = yield* Clock.currentTimeNanos
      ctx.observer.batchFetched(batch.messages.length)
      const { events, rejected } = yield* decodeBatch(batch.messages)

      // Heartbeat for as long as the batch is in hand: a long write or an outage must not cost the partitions.
      let rebalancing = false
      yield* Effect.forkScoped(
        Effect.forever(
          Effect.sleep(ctx.settings.heartbeatIntervalMs).pipe(
            Effect.andThen(
              Effect.tryPromise(() => payload.heartbeat()).pipe(
                Effect.catch((error) => {
                  const type = (error.cause as { type?: string } | undefined)?.type
                  if (type !== undefined && REBALANCE_ERRORS.has(type)) rebalancing = true
                  return Effect.void
                }),
              ),
            ),
          ),
        ),
      )
      const keepTrying = () => payload.isRunning() && !payload.isStale() && !rebalancing

      const untilDone = <A, E, R>(dependency: "store" | "dead_letter", attempt: Effect.Effect<A, E, R>) =>
        Effect.gen(function* () {
          for (let failures = 0; ; failures++) {
            const result = yield* Effect.result(attempt)
            if (Result.isSuccess(result)) {
              if (failures > 0) {
                ctx.resumeTopic(batch.topic)
                ctx.observer.dependencyRecovered(dependency)
                yield* Effect.logInfo(`${dependency} is back; resuming ${batch.topic}`)
              }
              return Option.some(result.success)
            }
            if (failures === 0) ctx.pauseTopic(batch.topic)
            const backoff = Math.min(MAX_BACKOFF_MS, 500 * 2 ** failures) * (0.8 + Math.random() * 0.4)
            ctx.observer.dependencyFailed(dependency, result.failure, failures + 1, backoff)
            yield* Effect.logWarning(`${dependency} unavailable; retrying the batch`).pipe(
              Effect.annotateLogs({
                topic: batch.topic,
                partition: batch.partition,
                attempt: failures + 1,
                retryInMs: Math.round(backoff),
                error: String(result.failure),
              }),
            )
            // Sleep in short slices so a SIGTERM or a lost partition ends the wait at once.
            const until = (yield* Clock.currentTimeMillis) + backoff
            while (keepTrying() && (yield* Clock.currentTimeMillis) < until) yield* Effect.sleep(200)
            if (!keepTrying()) {
              ctx.resumeTopic(batch.topic)
              return Option.none<A>()
            }
          }
        })

      const writeStarted = yield* Clock.currentTimeNanos
      const stored = yield* untilDone("store", recordEvents(events))
      if (Option.isNone(stored)) return
      const writeEnded = yield* Clock.currentTimeNanos
      if (rejected.length > 0) {
        const letters = rejected.map((r) => toDeadLetter(batch.topic, batch.partition, r))
        const parked = yield* untilDone("dead_letter", ctx.publisher.send(ctx.settings.dlqTopic, letters))
        if (Option.isNone(parked)) return
        for (const r of rejected) {
          yield* Effect.logWarning(`dead-lettered record: ${r.rejection.reason}`).pipe(
            Effect.annotateLogs({
              kind: r.rejection.kind,
              topic: batch.topic,
              partition: batch.partition,
              offset: r.message.offset,
            }),
          )
        }
      }

      payload.resolveOffset(batch.lastOffset())
      yield* Effect.tryPromise({
        try: () => payload.commitOffsetsIfNecessary(payload.uncommittedOffsets()),
        catch: (cause) => new KafkaUnavailable({ message: `commit failed: ${String(cause)}`, cause }),
      })
      const ended = yield* Clock.currentTimeNanos
      ctx.observer.batchDone({
        topic: batch.topic,
        partition: batch.partition,
        records: batch.messages.length,
        stored: events.length,
        inserted: stored.value.inserted,
        duplicates: stored.value.duplicates,
        rejected: rejected.map((r) => r.rejection),
        writeSeconds: seconds(writeStarted, writeEnded),
        totalSeconds: seconds(started, ended),
        lag: Number(batch.offsetLag()),
      })
    }),
  )

/** The dependencies a batch write needs, for the source layer's type. */
export type HandlerServices = PayloadStore | StatusFeed
