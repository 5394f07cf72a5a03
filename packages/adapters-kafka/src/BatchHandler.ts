import { recordEvents } from "@pt/domain/Ingest"
import { Clock, Deferred, Duration, Effect, Option, Schedule } from "effect"
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
  /** Completes when the consumer begins to stop: a batch waiting to retry is given up at once. */
  readonly stopping?: Effect.Effect<void>
}

const REBALANCE_ERRORS = new Set([
  "REBALANCE_IN_PROGRESS",
  "UNKNOWN_MEMBER_ID",
  "ILLEGAL_GENERATION",
  "FENCED_INSTANCE_ID",
])
/** A commit error kafkajs must see: it rejoins the group (and refetches the committed offsets) or gives up. */
const endsTheBatch = (error: KafkaUnavailable) => {
  const cause = error.cause as { type?: string; retriable?: boolean } | undefined
  return (
    cause?.retriable === false ||
    (cause?.type !== undefined &&
      (REBALANCE_ERRORS.has(cause.type) || cause.type === "NOT_COORDINATOR_FOR_GROUP"))
  )
}
const RETRY_BASE_MS = 500
export const MAX_BACKOFF_MS = 30_000
const seconds = (from: bigint, to: bigint) => Number(to - from) / 1e9

/**
 * The waits between attempts at a failing dependency: 0.5 s doubling up to `capMs` (30 s), each drawn within
 * ±20 % (`Schedule.jittered`) so that the consumers of a group do not hammer a recovering database in step.
 */
export const retryBackoff = (capMs: number = MAX_BACKOFF_MS) =>
  Schedule.exponential(Duration.millis(RETRY_BASE_MS)).pipe(
    Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, Duration.millis(capMs)))),
    Schedule.jittered,
  )

interface RetryHooks<E> {
  /** Asked after each failure: false gives the batch up at once (consumer stopping, partition lost). */
  readonly keepTrying: () => boolean
  /** Completes when the batch must be given up; it ends a wait between attempts at once. */
  readonly abandon: Effect.Effect<void>
  readonly onFailure: (error: E, attempt: number, retryInMs: number) => Effect.Effect<void>
}

/**
 * Runs `attempt` until it succeeds, waiting by `schedule` after each failure; `None` once given up. The wait is
 * done inside the schedule's step, raced with `abandon`, so that only the wait is ever cut short: an attempt in
 * flight is not interrupted (its own timeouts keep working, a half-done write is not left behind) and no further
 * attempt starts. A defect is not retried.
 */
export const retryUntilAbandoned = <A, E, R>(
  attempt: Effect.Effect<A, E, R>,
  schedule: Schedule.Schedule<unknown, E>,
  hooks: RetryHooks<E>,
): Effect.Effect<Option.Option<A>, never, R> =>
  Effect.suspend(() => {
    let abandoned = false
    const policy = schedule.pipe(
      Schedule.while(() => Effect.sync(hooks.keepTrying)),
      Schedule.modifyDelay(({ input, attempt: n, duration }) =>
        hooks.onFailure(input, n, Duration.toMillis(duration)).pipe(
          Effect.andThen(
            Effect.raceFirst(Effect.as(Effect.sleep(duration), false), Effect.as(hooks.abandon, true)),
          ),
          Effect.map((gaveUp) => {
            abandoned = gaveUp
            return Duration.zero
          }),
        ),
      ),
      Schedule.while(() => Effect.sync(() => !abandoned)),
    )
    return Effect.retry(attempt, policy).pipe(
      Effect.map(Option.some),
      Effect.catch(() => Effect.succeed(Option.none<A>())),
    )
  })

/**
 * Handles one fetched batch of one partition, the consumer's unit of work:
 * decode every record → one store write of the valid ones → dead-letter the rejected ones → commit.
 * Offsets move only after both succeeded. A failing dependency is retried in place (`retryBackoff`) while the
 * topic is paused and the group membership is kept alive by heartbeats; the batch is abandoned uncommitted (to be
 * redelivered) only when the consumer stops (`ctx.stopping`, `isRunning`) or loses the partition.
 * Fails only with a commit error kafkajs must see to rejoin the group; other commit failures are retried in place.
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
      const keepTrying = () => payload.isRunning() && !payload.isStale() && !rebalancing
      const lost = yield* Deferred.make<void>()
      yield* Effect.suspend(() => {
        if (!keepTrying()) return Deferred.succeed(lost, undefined)
        return Effect.tryPromise(() => payload.heartbeat()).pipe(
          Effect.catch((error) => {
            const type = (error.cause as { type?: string } | undefined)?.type
            if (type !== undefined && REBALANCE_ERRORS.has(type)) rebalancing = true
            return Effect.void
          }),
        )
      }).pipe(Effect.delay(ctx.settings.heartbeatIntervalMs), Effect.forever, Effect.forkScoped)
      const abandon = Effect.raceFirst(Deferred.await(lost), ctx.stopping ?? Effect.never)
      const logRetry = (message: string, error: unknown, attempt: number, retryInMs: number) =>
        Effect.logWarning(message).pipe(
          Effect.annotateLogs({
            topic: batch.topic,
            partition: batch.partition,
            attempt,
            retryInMs: Math.round(retryInMs),
            error: String(error),
          }),
        )

      const untilDone = <A, E, R>(dependency: "store" | "dead_letter", attempt: Effect.Effect<A, E, R>) => {
        let failures = 0
        return retryUntilAbandoned(attempt, retryBackoff(), {
          keepTrying,
          abandon,
          onFailure: (error, n, retryInMs) => {
            if (failures++ === 0) ctx.pauseTopic(batch.topic)
            ctx.observer.dependencyFailed(dependency, error, n, retryInMs)
            return logRetry(`${dependency} unavailable; retrying the batch`, error, n, retryInMs)
          },
        }).pipe(
          Effect.tap((done) => {
            if (failures === 0) return Effect.void
            ctx.resumeTopic(batch.topic)
            if (Option.isNone(done)) return Effect.void
            ctx.observer.dependencyRecovered(dependency)
            return Effect.logInfo(`${dependency} is back; resuming ${batch.topic}`)
          }),
        )
      }

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
      // kafkajs fetches on from the resolved offset, so a commit that failed and was left at that would not be
      // redelivered either: it would wait for some later batch to commit it, forever on a quiet topic. A rebalance
      // error (or one kafkajs calls non-retriable) fails the batch: kafkajs rejoins and redelivers from the
      // committed offsets. Any other (coordinator unavailable or loading, a timeout, a lost connection) is retried
      // here, heartbeating, until it succeeds or the batch is given up (stop, partition lost: redelivered).
      const commitOnce = Effect.tryPromise({
        try: () => payload.commitOffsetsIfNecessary(payload.uncommittedOffsets()),
        catch: (cause) => new KafkaUnavailable({ message: `commit failed: ${String(cause)}`, cause }),
      }).pipe(
        Effect.as(Option.none<KafkaUnavailable>()),
        Effect.catch((error) =>
          endsTheBatch(error) ? Effect.succeed(Option.some(error)) : Effect.fail(error),
        ),
      )
      const commit = yield* retryUntilAbandoned(commitOnce, retryBackoff(), {
        keepTrying,
        abandon,
        onFailure: (error, n, retryInMs) =>
          logRetry("offset commit failed; retrying it", error, n, retryInMs),
      })
      if (Option.isNone(commit)) return
      if (Option.isSome(commit.value)) return yield* Effect.fail(commit.value.value)
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
