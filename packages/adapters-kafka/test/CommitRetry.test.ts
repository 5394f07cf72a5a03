import { assert, describe, it } from "@effect/vitest"
import { Deferred, Effect, Exit, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { KafkaJSProtocolError } from "kafkajs"
import { handleBatch } from "../src/BatchHandler.ts"
import { flakyMemoryStore } from "../testing/FlakyStore.ts"
import { handBuiltBatch, handlerContext, message } from "./HandBuiltBatch.ts"

// The commit step of handleBatch, on the TestClock with a hand-built kafkajs payload. kafkajs fetches on from the
// offset the batch resolved, so a commit that fails and is dropped is never redelivered nor committed on a quiet
// topic (seen once as a test waiting for committed offsets that never came). Errors as the broker answers them
// (kafkajs's own error class, types and retriable flags of its protocol table).
const coordinatorNotAvailable = () =>
  new KafkaJSProtocolError({
    message: "The group coordinator is not available",
    type: "GROUP_COORDINATOR_NOT_AVAILABLE",
    code: 15,
    retriable: true,
  } as unknown as Error)
const rebalanceInProgress = () =>
  new KafkaJSProtocolError({
    message: "The group is rebalancing, so a rejoin is needed",
    type: "REBALANCE_IN_PROGRESS",
    code: 27,
    retriable: false,
  } as unknown as Error)

/** A batch of two records whose commit fails with `errors[i]` on attempt i, then succeeds. */
const payloadFailingCommits = (errors: ReadonlyArray<Error>) =>
  handBuiltBatch([message(0), message(1)], errors)

// pause and resume are not what these tests look at: only `done` is.
const context = (done: Array<string>, stopping?: Effect.Effect<void>) =>
  handlerContext([], { batchDone: () => done.push("done") }, stopping)

describe("handleBatch's commit", () => {
  it.effect("a commit refused for another reason than a rebalance is retried until it is made", () =>
    Effect.gen(function* () {
      yield* TestClock.setTime(Date.now())
      const done: Array<string> = []
      const { state, payload } = payloadFailingCommits([coordinatorNotAvailable(), coordinatorNotAvailable()])
      const fiber = yield* Effect.forkChild(
        handleBatch(context(done), payload).pipe(Effect.provide(flakyMemoryStore().layer)),
      )
      for (let s = 0; s < 10; s++) yield* TestClock.adjust("1 second")
      assert.isTrue(Exit.isSuccess(yield* Fiber.await(fiber)))
      assert.strictEqual(state.commits, 3)
      assert.isTrue(state.committed)
      assert.deepStrictEqual(done, ["done"])
    }),
  )

  it.effect(
    "a rebalance error is not retried: the batch fails with it, so kafkajs rejoins and redelivers",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.now())
        const done: Array<string> = []
        const refused = rebalanceInProgress()
        const { state, payload } = payloadFailingCommits([refused])
        const exit = yield* Effect.exit(
          handleBatch(context(done), payload).pipe(Effect.provide(flakyMemoryStore().layer)),
        )
        assert.isTrue(Exit.isFailure(exit))
        if (Exit.isFailure(exit)) {
          const error = exit.cause.reasons.find((r) => r._tag === "Fail")
          assert.strictEqual((error as { error: { cause: unknown } } | undefined)?.error.cause, refused)
        }
        assert.strictEqual(state.commits, 1)
        assert.deepStrictEqual(done, [])
      }),
  )

  it.effect(
    "stopping while the commit is retried gives the batch up at once (uncommitted: redelivered)",
    () =>
      Effect.gen(function* () {
        yield* TestClock.setTime(Date.now())
        const stop = yield* Deferred.make<void>()
        const done: Array<string> = []
        const { state, payload } = payloadFailingCommits(Array.from({ length: 100 }, coordinatorNotAvailable))
        const fiber = yield* Effect.forkChild(
          handleBatch(context(done, Deferred.await(stop)), payload).pipe(
            Effect.provide(flakyMemoryStore().layer),
          ),
        )
        yield* TestClock.adjust("5 seconds")
        const tried = state.commits
        assert.isAtLeast(tried, 2)
        state.running = false
        yield* Deferred.succeed(stop, undefined)
        assert.isTrue(Exit.isSuccess(yield* Fiber.await(fiber)))
        yield* TestClock.adjust("1 minute")
        assert.strictEqual(state.commits, tried)
        assert.isFalse(state.committed)
        assert.deepStrictEqual(done, [])
      }),
  )
})
