import type { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import type { PayloadStore } from "@pt/domain/ports/PayloadStore"
import type { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { Effect, type Layer } from "effect"
import { inject } from "vitest"
import type { KafkaSettings } from "../src/KafkaConfig.ts"
import { eventually, groupProgress, produceRaw, readTopic, testKafka } from "../testing/KafkaTestKit.ts"
import { startSource } from "../testing/SourceHarness.ts"
import * as TestTopics from "../testing/TestTopics.ts"

/**
 * The broker of this run (testing/globalSetup.ts) and the test kit's steps as Effects, for the `it.live` tests
 * that run a source against it: one place for what every such test does first.
 */
export const bootstrap = inject("kafkaBootstrapServers")
export const kafka = testKafka(bootstrap)

/** A fresh status topic of `partitions` partitions, its dead-letter topic and a fresh consumer group. */
export const freshTopics = (prefix: string, partitions: number) =>
  Effect.promise(async () => ({
    brokers: [bootstrap],
    ...(await TestTopics.freshTopics(kafka, prefix, partitions, "it.group")),
  }))

export const produce = (topic: string, values: ReadonlyArray<string | Buffer>, chunk?: number) =>
  Effect.promise(() => produceRaw(kafka, topic, values, chunk))

export const readRecords = (topic: string, count: number, timeoutMs?: number) =>
  Effect.promise(() => readTopic(kafka, topic, count, timeoutMs))

export const progress = (groupId: string, topic: string) =>
  Effect.promise(() => groupProgress(kafka, groupId, topic))

/** Waits until `check` holds (polled; `what` names it in the failure): a condition, never a fixed wait. */
export const until = (what: () => string, check: Effect.Effect<boolean>) =>
  Effect.promise(() => eventually(what, () => Effect.runPromise(check)))

/** Waits until the group has committed `total` records of the topic. */
export const untilCommitted = (
  settings: { readonly groupId: string; readonly topic: string },
  total: number,
) => {
  let committed = 0
  return until(
    () => `all ${total} offsets committed (${committed} so far)`,
    Effect.map(progress(settings.groupId, settings.topic), (p) => {
      committed = p.committed
      return committed === total
    }),
  )
}

/** A KafkaStatusSource running until the test's scope closes (the SIGTERM path), whatever the test did. */
export const runningSource = (
  settings: Partial<KafkaSettings> & Pick<KafkaSettings, "brokers" | "topic" | "dlqTopic" | "groupId">,
  store: Layer.Layer<PayloadStore | PayloadQueries | StatusFeed>,
) =>
  Effect.acquireRelease(
    Effect.promise(() => startSource(settings, store)),
    (source) => Effect.promise(() => source.close()),
  )
