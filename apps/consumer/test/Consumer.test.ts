import { DeadLetterHeaders } from "@pt/adapters-kafka/DeadLetter"
import type {} from "@pt/adapters-kafka/testing/globalSetup"
import { produceRaw, readTopic, testKafka } from "@pt/adapters-kafka/testing/KafkaTestKit"
import { pipelineTraffic } from "@pt/adapters-kafka/testing/StatusTraffic"
import { consumerKafkaEnv, freshTopics, untilCommitted } from "@pt/adapters-kafka/testing/TestTopics"
import type {} from "@pt/adapters-postgres/testing/globalSetup"
import { createTestDatabase } from "@pt/adapters-postgres/testing/PostgresTestServer"
import { testDay } from "@pt/domain/testing/TestDates"
import { expect, inject, it } from "vitest"
import { metricValue, startConsumer, untilReady } from "../testing/ConsumerProcess.ts"
import { databaseUrlOf, storedIdentities } from "../testing/StoredStatuses.ts"

// Fixture dates derive from the clock (see TestDates.ts): a fixed day goes stale.
const DAY = testDay()

const kafka = testKafka(inject("kafkaBootstrapServers"))

it("the consumer process stores a pipeline once, dead-letters poison, reports metrics and health, stops on SIGTERM", async () => {
  const topics = await freshTopics(kafka, "consumer.it", 4, "consumer.group")
  const db = await createTestDatabase(inject("databaseUrl"), "consumer")
  const traffic = pipelineTraffic(150, 5, 0.2)
  const poison = [
    "{oops",
    JSON.stringify({ request_id: "None", service: "x", status: "y", date: `${DAY}T10:00:00Z` }),
    "[]",
  ]
  const values = [...traffic.all.map((m) => JSON.stringify(m)), ...poison]
  await produceRaw(kafka, topics.topic, values, 100)

  const consumer = await startConsumer({
    ...consumerKafkaEnv(inject("kafkaBootstrapServers"), topics),
    DATABASE_URL: databaseUrlOf(db),
    DB_MIGRATE_ON_START: "true",
    DB_POOL_SIZE: "2",
  })
  try {
    await untilReady(consumer)
    await untilCommitted(kafka, topics, values.length)
    const stored = await storedIdentities(db)
    expect(stored.total).toBe(traffic.unique.length)
    expect(stored.counts.size).toBe(traffic.unique.length)

    const letters = await readTopic(kafka, topics.dlqTopic, poison.length)
    expect(letters.map((l) => l.value?.toString()).sort()).toEqual([...poison].sort())
    expect(letters.every((l) => (l.headers[DeadLetterHeaders.reason] ?? "") !== "")).toBe(true)

    const text = await consumer.metrics()
    expect(metricValue(text, "payload_tracker_consumed_messages")).toBe(values.length)
    expect(metricValue(text, "payload_tracker_messages_processed")).toBe(traffic.all.length)
    expect(metricValue(text, "payload_tracker_consumer_invalid_request_IDs")).toBe(2)
    expect(metricValue(text, "payload_tracker_consumer_invalid_messages")).toBe(1)
    expect(text).toContain("payload_tracker_consumer_lag{")
    expect(text).toContain("payload_tracker_consumer_batch_size_bucket")
    expect(text).toContain("process_resident_memory_bytes")
    // The store's own (Effect) metrics are on the same page: maintenance ran at start.
    expect(text).toContain("payload_tracker_partitions_created")
    expect(await consumer.health("/live")).toBe(200)
    expect(await consumer.health("/ready")).toBe(200)
  } finally {
    const exit = await consumer.stop("SIGTERM")
    expect(exit.code).toBe(0)
  }
})
