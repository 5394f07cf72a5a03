import { Kafka, logLevel } from "kafkajs"

/** Plain kafkajs helpers for tests and the benchmark: topics, producing raw records, reading a topic back. */
export const testKafka = (bootstrapServers: string) =>
  // Silent: the fault tests restart the broker on purpose, and a send that finally fails throws anyway.
  new Kafka({ clientId: "pt-test", brokers: bootstrapServers.split(","), logLevel: logLevel.NOTHING })

export const uniqueName = (prefix: string) =>
  `${prefix}.${Date.now().toString(36)}.${Math.random().toString(36).slice(2, 8)}`

/**
 * Creates the topics and waits until every partition has a leader. Not kafkajs's `waitForLeaders`: a Kafka 4
 * broker answers the metadata of a topic it created a moment ago with UNKNOWN_TOPIC_OR_PARTITION until its metadata
 * cache has it, which kafkajs's wait does not retry (seen failing 4 of 5 two-topic creations on a fresh 4.1.1).
 */
export const createTopics = async (
  kafka: Kafka,
  topics: ReadonlyArray<{ topic: string; partitions: number }>,
  timeoutMs = 30_000,
) => {
  const admin = kafka.admin()
  await admin.connect()
  try {
    await admin.createTopics({
      waitForLeaders: false,
      topics: topics.map((t) => ({
        topic: t.topic,
        numPartitions: t.partitions,
        replicationFactor: 1,
        configEntries: [{ name: "max.message.bytes", value: "4194304" }],
      })),
    })
    const names = topics.map((t) => t.topic)
    const led = async () => {
      try {
        const metadata = await admin.fetchTopicMetadata({ topics: names })
        return metadata.topics.every(
          (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
        )
      } catch (error) {
        const type = (error as { type?: string }).type
        if (type === "UNKNOWN_TOPIC_OR_PARTITION" || type === "LEADER_NOT_AVAILABLE") return false
        throw error
      }
    }
    await eventually(() => `leaders for ${names.join(", ")}`, led, timeoutMs)
  } finally {
    await admin.disconnect()
  }
}

/**
 * Produces raw values with null keys in chunks (the default partitioner spreads them over the partitions), each
 * exactly once: idempotent, so a send kafkajs retries after a timeout on a loaded machine does not append the
 * records twice (the topic would then hold more offsets than the test produced and its waits for "every record
 * committed" would never end).
 */
export const produceRaw = async (
  kafka: Kafka,
  topic: string,
  values: ReadonlyArray<string | Buffer>,
  chunk = 1_000,
): Promise<void> => {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
  await producer.connect()
  try {
    for (let i = 0; i < values.length; i += chunk) {
      await producer.send({
        topic,
        acks: -1,
        messages: values.slice(i, i + chunk).map((value) => ({ key: null, value })),
      })
    }
  } finally {
    await producer.disconnect()
  }
}

/** Sum over partitions of committed offsets of `groupId` (0 for never committed) and of the high watermarks. */
export const groupProgress = async (kafka: Kafka, groupId: string, topic: string) => {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] })
    const ends = await admin.fetchTopicOffsets(topic)
    const sum = (xs: ReadonlyArray<{ offset: string }>) =>
      xs.reduce((n, x) => n + Math.max(0, Number(x.offset)), 0)
    return { committed: sum(committed?.partitions ?? []), end: sum(ends.map((e) => ({ offset: e.high }))) }
  } finally {
    await admin.disconnect()
  }
}

export interface ReadRecord {
  readonly key: Buffer | null
  readonly value: Buffer | null
  readonly headers: Record<string, string>
  readonly partition: number
  readonly offset: string
}

/** Reads `count` records of `topic` from the beginning (fails after `timeoutMs`). */
export const readTopic = async (kafka: Kafka, topic: string, count: number, timeoutMs = 30_000) => {
  const consumer = kafka.consumer({ groupId: uniqueName("pt-test-reader"), maxBytesPerPartition: 8 << 20 })
  await consumer.connect()
  const records: Array<ReadRecord> = []
  try {
    await consumer.subscribe({ topic, fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`read ${records.length}/${count} records of ${topic}`)),
        timeoutMs,
      )
      void consumer.run({
        eachMessage: async ({ message, partition }) => {
          const headers: Record<string, string> = {}
          for (const [k, v] of Object.entries(message.headers ?? {}))
            if (v !== undefined) headers[k] = String(v)
          records.push({ key: message.key, value: message.value, headers, partition, offset: message.offset })
          if (records.length >= count) {
            clearTimeout(timer)
            resolve()
          }
        },
      })
    })
  } finally {
    await consumer.disconnect()
  }
  return records
}

/** Polls `check` until it returns true (fails with `what` after `timeoutMs`). */
export const eventually = async (
  what: () => string,
  check: () => Promise<boolean> | boolean,
  timeoutMs = 60_000,
) => {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
