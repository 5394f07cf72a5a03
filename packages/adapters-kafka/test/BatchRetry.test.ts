import { assert, describe, it } from "@effect/vitest"
import { Clock, Deferred, Effect, Fiber, Option } from "effect"
import { TestClock } from "effect/testing"
import { handleBatch, MAX_BACKOFF_MS, retryBackoff, retryUntilAbandoned } from "../src/BatchHandler.ts"
import { flakyMemoryStore } from "../testing/FlakyStore.ts"
import { handBuiltBatch, handlerContext, message } from "./HandBuiltBatch.ts"

// The retry of a failing dependency, on the TestClock and without a broker: the waits are virtual, so a test of a
// 30 s cap takes no time and asserts the exact schedule.

/** An attempt that fails `failures` times, recording the virtual time of every attempt. */
const failingAttempt = (failures: number) => {
  const at: Array<number> = []
  const attempt = Effect.flatMap(Clock.currentTimeMillis, (now) => {
    at.push(now)
    return at.length <= failures ? Effect.fail(`down #${at.length}`) : Effect.succeed("stored")
  })
  return { at, attempt }
}

const hooks = (overrides: Partial<Parameters<typeof retryUntilAbandoned>[2]> = {}) => {
  const waits: Array<number> = []
  return {
    waits,
    hooks: {
      keepTrying: () => true,
      abandon: Effect.never,
      onFailure: (_error: unknown, _attempt: number, retryInMs: number) =>
        Effect.sync(() => waits.push(retryInMs)),
      ...overrides,
    },
  }
}

describe("retryBackoff", () => {
  it.effect(
    "waits 0.5 s doubling, jittered by ±20 %, capped at 30 s; retries until the attempt succeeds",
    () =>
      Effect.gen(function* () {
        const { at, attempt } = failingAttempt(9)
        const { waits, hooks: h } = hooks()
        const fiber = yield* Effect.forkChild(retryUntilAbandoned(attempt, retryBackoff(), h))
        yield* TestClock.adjust("10 minutes")
        assert.deepStrictEqual(yield* Fiber.join(fiber), Option.some("stored"))
        assert.strictEqual(at.length, 10)
        const nominal = [
          500,
          1_000,
          2_000,
          4_000,
          8_000,
          16_000,
          MAX_BACKOFF_MS,
          MAX_BACKOFF_MS,
          MAX_BACKOFF_MS,
        ]
        waits.forEach((wait, i) => {
          assert.isAtLeast(wait, nominal[i]! * 0.8, `wait ${i}`)
          assert.isAtMost(wait, nominal[i]! * 1.2, `wait ${i}`)
        })
        // Each attempt starts exactly when the reported wait after the previous failure ends.
        for (let i = 1; i < at.length; i++) assert.closeTo(at[i]! - at[i - 1]!, waits[i - 1]!, 1)
      }),
  )

  it.effect("the cap is a parameter", () =>
    Effect.gen(function* () {
      const { attempt } = failingAttempt(6)
      const { waits, hooks: h } = hooks()
      const fiber = yield* Effect.forkChild(retryUntilAbandoned(attempt, retryBackoff(1_500), h))
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      assert.isAtMost(Math.max(...waits), 1_500 * 1.2)
      assert.isAtLeast(waits.at(-1)!, 1_500 * 0.8)
    }),
  )
})

describe("retryUntilAbandoned", () => {
  it.effect("abandoning ends the wait at once: no further attempt, None", () =>
    Effect.gen(function* () {
      const { at, attempt } = failingAttempt(Number.POSITIVE_INFINITY)
      const abandon = yield* Deferred.make<void>()
      const { hooks: h } = hooks({ abandon: Deferred.await(abandon) })
      const fiber = yield* Effect.forkChild(retryUntilAbandoned(attempt, retryBackoff(), h))
      yield* TestClock.adjust(100)
      yield* Deferred.succeed(abandon, undefined)
      assert.deepStrictEqual(yield* Fiber.join(fiber), Option.none())
      assert.strictEqual(at.length, 1)
      yield* TestClock.adjust("1 minute")
      assert.strictEqual(at.length, 1)
    }),
  )

  it.effect(
    "an attempt in flight is not cut short by abandoning: its success counts, its failure ends it",
    () =>
      Effect.gen(function* () {
        let finished = 0
        const slow = (ok: boolean) =>
          Effect.sleep(1_000).pipe(
            Effect.andThen(Effect.sync(() => finished++)),
            Effect.andThen(ok ? Effect.succeed("stored") : Effect.fail("down")),
          )
        for (const ok of [true, false]) {
          const abandon = yield* Deferred.make<void>()
          const { waits, hooks: h } = hooks({ abandon: Deferred.await(abandon) })
          const fiber = yield* Effect.forkChild(retryUntilAbandoned(slow(ok), retryBackoff(), h))
          yield* TestClock.adjust(100)
          yield* Deferred.succeed(abandon, undefined)
          yield* TestClock.adjust(900)
          assert.deepStrictEqual(yield* Fiber.join(fiber), ok ? Option.some("stored") : Option.none())
          // The failed attempt was reported, and no wait followed it: nothing more was tried.
          assert.strictEqual(waits.length, ok ? 0 : 1)
        }
        assert.strictEqual(finished, 2)
      }),
  )

  it.effect("keepTrying false after a failure gives up without waiting", () =>
    Effect.gen(function* () {
      const { at, attempt } = failingAttempt(Number.POSITIVE_INFINITY)
      const { waits, hooks: h } = hooks({ keepTrying: () => false })
      assert.deepStrictEqual(yield* retryUntilAbandoned(attempt, retryBackoff(), h), Option.none())
      assert.strictEqual(at.length, 1)
      assert.strictEqual(waits.length, 0)
    }),
  )

  it.effect("a defect is not retried: it stays a defect", () =>
    Effect.gen(function* () {
      const { hooks: h } = hooks()
      const exit = yield* Effect.exit(retryUntilAbandoned(Effect.die("bug"), retryBackoff(), h))
      assert.strictEqual(exit._tag, "Failure")
    }),
  )
})

// handleBatch with a hand-built kafkajs batch payload (HandBuiltBatch.ts) and the memory store with an off switch.
const context = (events: Array<string>, stopping?: Effect.Effect<void>) =>
  handlerContext(
    events,
    {
      dependencyFailed: (dependency, _e, attempt) => events.push(`${dependency} failed #${attempt}`),
      dependencyRecovered: (dependency) => events.push(`${dependency} back`),
    },
    stopping,
  )

describe("handleBatch during a store outage", () => {
  it.effect("pauses, keeps heartbeating while it retries, resumes and commits once the store is back", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.now())
      const flaky = flakyMemoryStore()
      flaky.state.down = true
      const events: Array<string> = []
      const { state, payload } = handBuiltBatch([message(0), message(1)])
      const fiber = yield* Effect.forkChild(
        handleBatch(context(events), payload).pipe(Effect.provide(flaky.layer)),
      )
      // In 1 s steps: each heartbeat is a promise, settled between the steps.
      for (let s = 0; s < 20; s++) yield* TestClock.adjust("1 second")
      assert.isFalse(state.committed)
      assert.strictEqual(state.heartbeats, 6)
      flaky.state.down = false
      yield* TestClock.adjust("30 seconds")
      yield* Fiber.join(fiber)
      assert.isTrue(state.committed)
      assert.strictEqual(events[0], "pause")
      assert.deepStrictEqual(events.slice(-3), ["resume", "store back", "done"])
      assert.isAtLeast(events.filter((e) => e.startsWith("store failed")).length, 4)
    }),
  )

  it.effect("stopping gives the batch up at once, uncommitted, and resumes the topic", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.now())
      const flaky = flakyMemoryStore()
      flaky.state.down = true
      const stop = yield* Deferred.make<void>()
      const events: Array<string> = []
      const { state, payload } = handBuiltBatch([message(0)])
      const fiber = yield* Effect.forkChild(
        handleBatch(context(events, Deferred.await(stop)), payload).pipe(Effect.provide(flaky.layer)),
      )
      yield* TestClock.adjust("10 seconds")
      state.running = false
      yield* Deferred.succeed(stop, undefined)
      yield* Fiber.join(fiber)
      assert.isFalse(state.committed)
      assert.strictEqual(events.at(-1), "resume")
      assert.notInclude(events, "done")
    }),
  )
})
