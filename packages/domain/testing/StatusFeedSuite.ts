/**
 * The status feed contract: one suite, run against every adapter of StatusFeed (memory, PostgreSQL LISTEN/NOTIFY,
 * the embedded store's). What a live view relies on: every subscriber learns the request id of every published
 * event, once per batch, batches in publish order, a large batch whole, and subscribers come and go freely.
 *
 * Nothing here sleeps to let a subscription settle: `liveSubscriber` proves it receives before a test publishes.
 */
import { assert, layer } from "@effect/vitest"
import { Deferred, Effect, type Layer, Queue, Schedule, type Scope, Stream } from "effect"
import { StatusFeed } from "../src/ports/StatusFeed.ts"
import { RequestId } from "../src/RequestId.ts"
import { freshId, statusEvent } from "./Fixtures.ts"

// Probe ids are recognisable (still 32 hex), so every subscriber leaves out every subscriber's probes.
const PROBE_PREFIX = "feedfeed"
const isProbe = (id: string) => id.startsWith(PROBE_PREFIX)
const WAIT = "10 seconds"

export interface FeedSubscriber {
  /** The next `n` request ids this subscriber received (probes left out), in arrival order; dies after 10 s. */
  readonly take: (n: number) => Effect.Effect<ReadonlyArray<string>>
}

/**
 * Subscribes for the rest of the scope and returns once the subscription provably receives. A subscription is
 * established asynchronously (a stream subscribes when it starts running; LISTEN once the feed's connection is
 * up), so a probe id is published every 50 ms until it comes through, instead of sleeping and hoping.
 */
export const liveSubscriber: Effect.Effect<FeedSubscriber, never, StatusFeed | Scope.Scope> = Effect.gen(
  function* () {
    const feed = yield* StatusFeed
    const probe = RequestId.make(`${PROBE_PREFIX}${freshId().slice(PROBE_PREFIX.length)}`)
    const ready = yield* Deferred.make<void>()
    const received = yield* Queue.unbounded<string>()
    yield* feed.subscribe.pipe(
      Stream.runForEach((id) =>
        id === probe
          ? Deferred.succeed(ready, undefined)
          : isProbe(id)
            ? Effect.void
            : Queue.offer(received, id),
      ),
      Effect.forkScoped,
    )
    yield* Effect.race(
      Deferred.await(ready),
      feed.publish([statusEvent({ request_id: probe })]).pipe(Effect.repeat(Schedule.spaced("50 millis"))),
    ).pipe(dieAfter("the subscription to receive its probe"))
    return {
      take: (n) =>
        Queue.takeN(received, n).pipe(
          Effect.map((ids) => [...ids]),
          dieAfter(`${n} request ids`),
        ),
    } satisfies FeedSubscriber
  },
)

const dieAfter =
  (what: string) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    Effect.timeoutOrElse(effect, {
      duration: WAIT,
      orElse: () => Effect.die(new Error(`status feed: gave up after ${WAIT} waiting for ${what}`)),
    })

const publish = (ids: ReadonlyArray<RequestId>, statusesPerId = 1) =>
  StatusFeed.use((feed) =>
    feed.publish(
      ids.flatMap((request_id) =>
        Array.from({ length: statusesPerId }, (_, i) => statusEvent({ request_id, status: `step-${i}` })),
      ),
    ),
  )

export const statusFeedSuite = <E>(name: string, feedLayer: Layer.Layer<StatusFeed, E>): void =>
  layer(feedLayer, { excludeTestServices: true, timeout: "60 seconds" })(
    `${name} status feed contract`,
    (it) => {
      it.effect("a subscriber learns each request id of a batch once, however many statuses it has", () =>
        Effect.gen(function* () {
          const subscriber = yield* liveSubscriber
          const [a, b, c] = [freshId(), freshId(), freshId()]
          yield* publish([a, b], 3)
          assert.deepStrictEqual(new Set(yield* subscriber.take(2)), new Set([a, b]))
          // Had a or b come twice, the next id taken would be a repeat, not c.
          yield* publish([c])
          assert.deepStrictEqual(yield* subscriber.take(1), [c])
        }),
      )

      it.effect("batches arrive in the order they were published", () =>
        Effect.gen(function* () {
          const subscriber = yield* liveSubscriber
          const ids = Array.from({ length: 5 }, freshId)
          for (const id of ids) yield* publish([id])
          assert.deepStrictEqual(yield* subscriber.take(ids.length), ids)
        }),
      )

      it.effect("every subscriber learns every id", () =>
        Effect.gen(function* () {
          const first = yield* liveSubscriber
          const second = yield* liveSubscriber
          const ids = Array.from({ length: 3 }, freshId)
          yield* publish(ids)
          assert.deepStrictEqual(new Set(yield* first.take(3)), new Set(ids))
          assert.deepStrictEqual(new Set(yield* second.take(3)), new Set(ids))
        }),
      )

      it.effect("a large batch arrives whole", () =>
        Effect.gen(function* () {
          const subscriber = yield* liveSubscriber
          // 600 ids are ~20 KB: more than one PostgreSQL NOTIFY payload (8000 bytes) holds.
          const ids = Array.from({ length: 600 }, freshId)
          yield* publish(ids)
          assert.deepStrictEqual(new Set(yield* subscriber.take(ids.length)), new Set(ids))
        }),
      )

      it.effect("an empty batch publishes nothing and does not fail", () =>
        Effect.gen(function* () {
          const subscriber = yield* liveSubscriber
          const id = freshId()
          yield* publish([])
          yield* publish([id])
          assert.deepStrictEqual(yield* subscriber.take(1), [id])
        }),
      )

      it.effect("a subscriber that leaves does not end the feed for the others", () =>
        Effect.gen(function* () {
          const stays = yield* liveSubscriber
          const before = freshId()
          yield* Effect.scoped(
            Effect.gen(function* () {
              const leaves = yield* liveSubscriber
              yield* publish([before])
              assert.deepStrictEqual(yield* leaves.take(1), [before])
            }),
          )
          const after = freshId()
          yield* publish([after])
          assert.deepStrictEqual(yield* stays.take(2), [before, after])
          const newcomer = yield* liveSubscriber
          const later = freshId()
          yield* publish([later])
          assert.deepStrictEqual(yield* newcomer.take(1), [later])
        }),
      )
    },
  )
