import { assert, describe, it } from "@effect/vitest"
import { Duration } from "effect"
import {
  KafkaJSBrokerNotFound,
  KafkaJSConnectionError,
  KafkaJSError,
  KafkaJSGroupCoordinatorNotFound,
  KafkaJSNonRetriableError,
} from "kafkajs"
import { MAX_BACKOFF_MS } from "../src/BatchHandler.ts"
import { brokerUnreachable, restartDelay } from "../src/KafkaStatusSource.ts"

// Which crashes kafkajs does not restart from the source restarts itself, judged on kafkajs's own error classes:
// a rejoin while the broker restarts ended in "Failed to find group coordinator" and, before, the process exited.
/** A kafkajs error as kafkajs throws it: with a message (its type declarations omit the constructor's argument). */
const made = (error: unknown, message: string) => new (error as new (message: string) => Error)(message)

describe("consumer restart after a crash kafkajs does not restart from", () => {
  it("restarts when no broker answered, directly or as the cause of a wrapper", () => {
    assert.isTrue(
      brokerUnreachable(made(KafkaJSGroupCoordinatorNotFound, "Failed to find group coordinator")),
    )
    assert.isTrue(brokerUnreachable(new KafkaJSConnectionError("connect ECONNREFUSED 127.0.0.1:9092")))
    assert.isTrue(brokerUnreachable(made(KafkaJSBrokerNotFound, "Broker 1 not found in the cached metadata")))
    const wrapped = Object.assign(new KafkaJSNonRetriableError("gave up"), {
      cause: made(KafkaJSGroupCoordinatorNotFound, "Failed to find group coordinator"),
    })
    assert.isTrue(brokerUnreachable(wrapped))
  })

  it("stays fatal for anything else", () => {
    assert.isFalse(brokerUnreachable(new KafkaJSNonRetriableError("Not authorized to access group")))
    assert.isFalse(
      brokerUnreachable(new KafkaJSError("The group member's supported protocols are incompatible")),
    )
    assert.isFalse(brokerUnreachable(new Error("a bug")))
    assert.isFalse(brokerUnreachable("not an error"))
  })

  it("waits 1 s, doubling up to the 30 s cap, between restarts without a join", () => {
    assert.deepStrictEqual(
      [0, 1, 2, 3, 4, 5, 6, 20].map((n) => Duration.toMillis(restartDelay(n, 0.5))),
      [1_000, 2_000, 4_000, 8_000, 16_000, MAX_BACKOFF_MS, MAX_BACKOFF_MS, MAX_BACKOFF_MS],
    )
  })

  it("draws each wait within ±20 %, so a group's consumers do not restart in step", () => {
    assert.strictEqual(Duration.toMillis(restartDelay(2, 0)), 3_200)
    assert.strictEqual(Duration.toMillis(restartDelay(2, 0.75)), 4_400)
    assert.isBelow(Duration.toMillis(restartDelay(20, 0.999_999)), 36_000)
    const drawn = Array.from({ length: 200 }, () => Duration.toMillis(restartDelay(3)))
    assert.isTrue(drawn.every((ms) => ms >= 6_400 && ms < 9_600))
    assert.isAbove(new Set(drawn).size, 1)
  })
})
