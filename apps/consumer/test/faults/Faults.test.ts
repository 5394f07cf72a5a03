import { mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import {
  restartBroker,
  startBroker,
  stopBroker,
  type TestBroker,
} from "@pt/adapters-kafka/testing/KafkaBroker"
import { createTopics, groupProgress, testKafka, uniqueName } from "@pt/adapters-kafka/testing/KafkaTestKit"
import { pipelineTraffic } from "@pt/adapters-kafka/testing/StatusTraffic"
import type { PostgresConfig } from "@pt/adapters-postgres/PostgresConfig"
import { createTestDatabase } from "@pt/adapters-postgres/testing/PostgresTestServer"
import { statusIdentity } from "@pt/domain/StatusEvent"
import { decodeStatusValue } from "@pt/domain/StatusMessage"
import { Result } from "effect"
import type { Kafka } from "kafkajs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type ConsumerProcess, startConsumer, untilReady } from "../../testing/ConsumerProcess.ts"
import { streamStatuses } from "../../testing/StatusStream.ts"
import { databaseUrlOf, ownPostgres, storedIdentities } from "../../testing/StoredStatuses.ts"

/**
 * Fault tests: the consumer as a real process against a broker and a PostgreSQL cluster of this file's own (so
 * killing them disturbs no other test), each scenario on its own topic, group and database.
 */
const root = fileURLToPath(new URL("../../../../", import.meta.url))
const logDir = `${root}test-artifacts/consumer-faults`
const pg = ownPostgres(`${root}.data/pg-faults-${process.pid}`)
let broker: TestBroker
let kafka: Kafka
let databaseUrl: string

beforeAll(async () => {
  mkdirSync(logDir, { recursive: true })
  ;[broker, databaseUrl] = await Promise.all([startBroker(`faults-${process.pid}`), pg.start()])
  kafka = testKafka(broker.bootstrapServers)
}, 300_000)

afterAll(async () => {
  await Promise.allSettled([stopBroker(`faults-${process.pid}`), pg.stop(true)])
})

const scenario = async (name: string, payloads: number) => {
  const topic = uniqueName(`faults.${name}`)
  await createTopics(kafka, [
    { topic, partitions: 6 },
    { topic: `${topic}.dlq`, partitions: 1 },
  ])
  const db: PostgresConfig = await createTestDatabase(databaseUrl, name)
  const traffic = pipelineTraffic(payloads, payloads, 0.1)
  const env = {
    KAFKA_BOOTSTRAP_SERVERS: broker.bootstrapServers,
    KAFKA_TOPIC: topic,
    KAFKA_DLQ_TOPIC: `${topic}.dlq`,
    KAFKA_GROUP_ID: uniqueName("faults.group"),
    // A killed member blocks the group's next rebalance until its session expires: keep that short here.
    KAFKA_SESSION_TIMEOUT_MS: "10000",
    KAFKA_HEARTBEAT_INTERVAL_MS: "1000",
    DATABASE_URL: databaseUrlOf(db),
    DB_MIGRATE_ON_START: "true",
    DB_POOL_SIZE: "4",
  }
  const expected = new Set(
    traffic.unique.map((m) => {
      const decoded = decodeStatusValue(m)
      if (!Result.isSuccess(decoded)) throw new Error("traffic must be valid")
      return statusIdentity(decoded.success)
    }),
  )
  const values = traffic.all.map((m) => JSON.stringify(m))
  const log = `${logDir}/${name}.log`
  const start = () => startConsumer(env, log)
  const allCommitted = async (timeoutMs: number) => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const p = await groupProgress(kafka, env.KAFKA_GROUP_ID, topic)
      if (p.end >= values.length && p.committed === p.end) return p
      if (Date.now() > deadline) throw new Error(`committed ${p.committed} of ${p.end}`)
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
  const verify = async () => {
    const stored = await storedIdentities(db)
    expect([...stored.counts.values()].every((n) => n === 1)).toBe(true)
    expect(stored.counts.size).toBe(expected.size)
    for (const id of expected) expect(stored.counts.has(id)).toBe(true)
    expect(stored.total).toBe(expected.size)
  }
  return { topic, env, db, values, start, allCommitted, verify }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe("consumer process under faults (real Kafka, real PostgreSQL)", () => {
  it("SIGKILL mid-stream and restart, three times: nothing lost, nothing duplicated", async () => {
    const s = await scenario("sigkill", 2_500)
    let consumer: ConsumerProcess = await s.start()
    await untilReady(consumer)
    const stream = streamStatuses(kafka, s.topic, s.values, { chunk: 500, pauseMs: 150 })
    for (let kill = 0; kill < 3; kill++) {
      await sleep(1_500 + kill * 700)
      const exit = await consumer.stop("SIGKILL")
      expect(exit.signal).toBe("SIGKILL")
      consumer = await s.start()
      await untilReady(consumer, 90_000)
    }
    await stream
    await s.allCommitted(120_000)
    await s.verify()
    expect((await consumer.stop("SIGTERM")).code).toBe(0)
  })

  it("PostgreSQL stopped for 20 s mid-stream: unready and paused, then resumes; nothing lost", async () => {
    const s = await scenario("pgdown", 2_000)
    const consumer = await s.start()
    await untilReady(consumer)
    const stream = streamStatuses(kafka, s.topic, s.values, { chunk: 500, pauseMs: 200 })
    await sleep(1_500)
    await pg.stop()
    const stoppedAt = Date.now()
    let sawUnready = false
    let committedDuring = -1
    while (Date.now() - stoppedAt < 20_000) {
      if ((await consumer.health("/ready")) === 503) sawUnready = true
      const p = await groupProgress(kafka, s.env.KAFKA_GROUP_ID, s.topic)
      if (Date.now() - stoppedAt > 8_000) {
        // Once the batch in flight failed, nothing more may be committed while the database is down.
        if (committedDuring === -1) committedDuring = p.committed
        else expect(p.committed).toBe(committedDuring)
      }
      expect(await consumer.health("/live")).toBe(200)
      await sleep(1_000)
    }
    expect(sawUnready).toBe(true)
    expect(consumer.child.exitCode).toBe(null)
    await pg.start()
    await stream
    await s.allCommitted(120_000)
    await untilReady(consumer)
    await s.verify()
    expect((await consumer.stop("SIGTERM")).code).toBe(0)
  })

  it("broker restarted mid-stream: the consumer reconnects by itself; nothing lost", async () => {
    const s = await scenario("brokerrestart", 2_000)
    const consumer = await s.start()
    await untilReady(consumer)
    const stream = streamStatuses(kafka, s.topic, s.values, { chunk: 500, pauseMs: 200 })
    await sleep(2_000)
    await restartBroker(broker, 3_000)
    await stream
    await s.allCommitted(180_000)
    await s.verify()
    expect(consumer.child.exitCode).toBe(null)
    expect((await consumer.stop("SIGTERM")).code).toBe(0)
  })

  it("SIGTERM finishes the batch in flight, commits it and leaves the group", async () => {
    const s = await scenario("sigterm", 1_500)
    const consumer = await s.start()
    await untilReady(consumer)
    const stream = streamStatuses(kafka, s.topic, s.values, { chunk: 500, pauseMs: 100 })
    await sleep(1_500)
    const exit = await consumer.stop("SIGTERM")
    expect(exit.code).toBe(0)
    const admin = kafka.admin()
    await admin.connect()
    const { groups } = await admin.describeGroups([s.env.KAFKA_GROUP_ID])
    await admin.disconnect()
    expect(groups[0]?.members.length).toBe(0)
    // Everything committed was stored (commit follows the write); a restarted consumer finishes the rest.
    await stream
    const again = await s.start()
    await s.allCommitted(120_000)
    await s.verify()
    expect((await again.stop("SIGTERM")).code).toBe(0)
  })
})
