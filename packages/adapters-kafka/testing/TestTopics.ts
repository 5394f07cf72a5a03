import type { Kafka } from "kafkajs"
import { createTopics, eventually, groupProgress, uniqueName } from "./KafkaTestKit.ts"

/** What a test runs a consumer on: a status topic, its dead-letter topic and a consumer group, all fresh. */
export interface TestTopics {
  readonly topic: string
  readonly dlqTopic: string
  readonly groupId: string
}

/**
 * Creates a fresh status topic of `partitions` partitions (named after `prefix`) and its dead-letter topic of one
 * partition, and names a fresh consumer group (after `groupPrefix`): what every test that runs a consumer makes
 * first, so that no two tests share records or offsets.
 */
export const freshTopics = async (
  kafka: Kafka,
  prefix: string,
  partitions: number,
  groupPrefix: string,
): Promise<TestTopics> => {
  const topic = uniqueName(prefix)
  const dlqTopic = `${topic}.dlq`
  await createTopics(kafka, [
    { topic, partitions },
    { topic: dlqTopic, partitions: 1 },
  ])
  return { topic, dlqTopic, groupId: uniqueName(groupPrefix) }
}

/** The consumer process's Kafka settings (KafkaConfig's variables) for `topics` on the broker at `brokers`. */
export const consumerKafkaEnv = (brokers: string, topics: TestTopics) => ({
  KAFKA_BOOTSTRAP_SERVERS: brokers,
  KAFKA_TOPIC: topics.topic,
  KAFKA_DLQ_TOPIC: topics.dlqTopic,
  KAFKA_GROUP_ID: topics.groupId,
})

/** Waits until the group has committed `total` records of the topic: a polled condition, never a fixed wait. */
export const untilCommitted = async (kafka: Kafka, topics: TestTopics, total: number, timeoutMs?: number) => {
  let committed = 0
  await eventually(
    () => `group ${topics.groupId} committed all ${total} records of ${topics.topic} (${committed} so far)`,
    async () => {
      committed = (await groupProgress(kafka, topics.groupId, topics.topic)).committed
      return committed === total
    },
    timeoutMs,
  )
}
