import { formatTimestamp, microsFromMillis } from "@pt/domain/Timestamp"
import { freshId } from "@pt/domain/testing/Fixtures"
import { HOUR_MS } from "@pt/domain/testing/TestDates"
import { Effect } from "effect"
import type { EachBatchPayload, KafkaMessage } from "kafkajs"
import type { HandlerContext } from "../src/BatchHandler.ts"
import type { KafkaSettings } from "../src/KafkaConfig.ts"
import type { SourceObserverShape } from "../src/SourceObserver.ts"

/**
 * handleBatch without a broker: a hand-built kafkajs batch payload and handler context, for the tests that drive
 * it on the TestClock (BatchRetry, CommitRetry).
 */

/** A valid `received` status an hour old, at `offset`. */
export const message = (offset: number): KafkaMessage => ({
  key: null,
  value: Buffer.from(
    JSON.stringify({
      request_id: freshId(),
      service: "ingress",
      status: "received",
      date: formatTimestamp(microsFromMillis(Date.now() - HOUR_MS)),
    }),
  ),
  timestamp: String(Date.now()),
  attributes: 0,
  offset: String(offset),
  headers: {},
})

/**
 * A batch of `messages` on partition 0 of topic `t` whose commit fails with `commitErrors[i]` on attempt i, then
 * succeeds; `state` shows what handleBatch did (heartbeats, commit attempts, committed) and stops it (`running`).
 */
export const handBuiltBatch = (
  messages: ReadonlyArray<KafkaMessage>,
  commitErrors: ReadonlyArray<Error> = [],
) => {
  const state = { running: true, heartbeats: 0, commits: 0, committed: false }
  const next = String(Number(messages.at(-1)?.offset ?? -1) + 1)
  const payload = {
    batch: {
      topic: "t",
      partition: 0,
      messages,
      isEmpty: () => messages.length === 0,
      lastOffset: () => messages.at(-1)!.offset,
      offsetLag: () => "0",
    },
    isRunning: () => state.running,
    isStale: () => false,
    heartbeat: async () => {
      state.heartbeats++
    },
    resolveOffset: () => {},
    uncommittedOffsets: () => ({ topics: [{ topic: "t", partitions: [{ partition: 0, offset: next }] }] }),
    commitOffsetsIfNecessary: async () => {
      const error = commitErrors[state.commits++]
      if (error !== undefined) throw error
      state.committed = true
    },
  } as unknown as EachBatchPayload
  return { state, payload }
}

/** A handler context whose observer calls are `observer`'s (none by default); `events` logs pause and resume. */
export const handlerContext = (
  events: Array<string>,
  observer: Partial<SourceObserverShape> = {},
  stopping?: Effect.Effect<void>,
): HandlerContext => ({
  settings: { heartbeatIntervalMs: 3_000, dlqTopic: "dlq" } as KafkaSettings,
  publisher: { send: () => Effect.void, publishStatuses: () => Effect.void },
  observer: {
    batchFetched: () => {},
    batchDone: () => events.push("done"),
    dependencyFailed: () => {},
    dependencyRecovered: () => {},
    consumerEvent: () => {},
    ...observer,
  },
  pauseTopic: () => events.push("pause"),
  resumeTopic: () => events.push("resume"),
  ...(stopping === undefined ? {} : { stopping }),
})
