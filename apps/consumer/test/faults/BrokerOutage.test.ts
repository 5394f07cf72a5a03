import { mkdirSync, readFileSync, rmSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { startBroker, stopBroker, type TestBroker } from "@pt/adapters-kafka/testing/KafkaBroker"
import {
  createTopics,
  eventually,
  groupProgress,
  produceRaw,
  testKafka,
  uniqueName,
} from "@pt/adapters-kafka/testing/KafkaTestKit"
import { pipelineTraffic } from "@pt/adapters-kafka/testing/StatusTraffic"
import { createTestDatabase } from "@pt/adapters-postgres/testing/PostgresTestServer"
import type { Kafka } from "kafkajs"
import { afterAll, beforeAll, expect, it } from "vitest"
import { type ConsumerProcess, startConsumer, untilReady } from "../../testing/ConsumerProcess.ts"
import { captureOutput, notJsonLogLines } from "../../testing/OutputLines.ts"
import { databaseUrlOf, ownPostgres, storedIdentities } from "../../testing/StoredStatuses.ts"

/**
 * The broker stopped under a running consumer process (real Kafka of this file's own, real PostgreSQL): `/ready`
 * says it cannot consume, `/live` does not flap, both come back when the broker does, nothing is lost, and every
 * line the process writes meanwhile (kafkajs's connection errors included) is a JSON log record.
 */
const root = fileURLToPath(new URL("../../../../", import.meta.url))
const instance = `outage-${process.pid}`
const pg = ownPostgres(`${root}.data/pg-outage-${process.pid}`)
let broker: TestBroker
let kafka: Kafka
let databaseUrl: string

beforeAll(async () => {
  ;[broker, databaseUrl] = await Promise.all([startBroker(instance), pg.start()])
  kafka = testKafka(broker.bootstrapServers)
}, 300_000)

afterAll(async () => {
  await Promise.allSettled([stopBroker(instance), pg.stop(true)])
  rmSync(`${root}.data/pg-outage-${process.pid}`, { recursive: true, force: true })
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The broker JVM's pid, from the state scripts/kafka.sh keeps for this file's instance. */
const brokerPid = () => {
  const state = readFileSync(`${root}.data/kafka/${instance}/state.env`, "utf8")
  const pid = Number(/^PID=(\d+)$/m.exec(state)?.[1])
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no PID in the broker's state.env: ${state}`)
  return pid
}

/**
 * Polls until /ready answers 503 and returns its body; meanwhile /ready is 200 or 503 only and /live stays 200.
 * Bounded wait, no timing assertion.
 */
const untilUnready = async (consumer: ConsumerProcess): Promise<Record<string, unknown>> => {
  const deadline = Date.now() + 90_000
  for (;;) {
    const ready = await consumer.healthReport("/ready")
    expect(await consumer.health("/live")).toBe(200)
    if (ready.status === 503) return ready.body
    expect(ready.status).toBe(200)
    if (Date.now() > deadline) throw new Error("/ready never answered 503 with the broker unavailable")
    await sleep(250)
  }
}

it("broker frozen, then stopped: /ready 503 with a reason while /live stays 200; back to 200 after; nothing lost; every line JSON", async () => {
  const topic = uniqueName("outage")
  await createTopics(kafka, [
    { topic, partitions: 3 },
    { topic: `${topic}.dlq`, partitions: 1 },
  ])
  const db = await createTestDatabase(databaseUrl, "outage")
  const traffic = pipelineTraffic(300, 7, 0.1)
  const values = traffic.all.map((m) => JSON.stringify(m))
  const half = Math.floor(values.length / 2)
  const groupId = uniqueName("outage.group")
  mkdirSync(`${root}test-artifacts/consumer-faults`, { recursive: true })
  const consumer = await startConsumer(
    {
      KAFKA_BOOTSTRAP_SERVERS: broker.bootstrapServers,
      KAFKA_TOPIC: topic,
      KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      KAFKA_GROUP_ID: groupId,
      KAFKA_SESSION_TIMEOUT_MS: "10000",
      KAFKA_HEARTBEAT_INTERVAL_MS: "1000",
      DATABASE_URL: databaseUrlOf(db),
      DB_MIGRATE_ON_START: "true",
      DB_POOL_SIZE: "2",
      // Everything kafkajs and the app say, so the JSON check below sees connection errors, rejoins and restarts.
      LOGLEVEL: "INFO",
      KAFKA_LOG_LEVEL: "INFO",
    },
    `${root}test-artifacts/consumer-faults/broker-outage.log`,
  )
  const output = captureOutput(consumer.child)
  // The exit code is checked only when the steps passed, so a failed step is what the report shows.
  let passed = false
  try {
    await untilReady(consumer)
    await produceRaw(kafka, topic, values.slice(0, half), 100)
    const committed = (n: number) => async () => (await groupProgress(kafka, groupId, topic)).committed >= n
    await eventually(() => "first half committed", committed(half))

    // 1. The broker frozen (SIGSTOP): connections stay open and nothing answers, as with a hung broker or a
    // network partition. /ready must say so from the broker's silence while kafkajs still waits in the group:
    // before that rule /ready stayed 200 until kafkajs gave up (about half a minute later) and left the group.
    // (A stopped broker refuses connections instead, and kafkajs leaves the group at once: phase 2.)
    process.kill(brokerPid(), "SIGSTOP")
    let unready: Record<string, unknown>
    try {
      unready = await untilUnready(consumer)
    } finally {
      process.kill(brokerPid(), "SIGCONT")
    }
    expect(unready.status).toBe("unavailable")
    expect(unready.in_group).toBe(true)
    expect(String(unready.reason)).toContain("no answer from the broker")
    expect(consumer.child.exitCode).toBe(null)
    await untilReady(consumer, 180_000)

    // 2. The broker stopped: /ready 503 with a reason, /live 200, and the consumer comes back with the broker.
    await stopBroker(instance, true)
    const down = await untilUnready(consumer)
    expect(String(down.reason ?? "")).not.toBe("")
    expect(consumer.child.exitCode).toBe(null)

    await startBroker(instance)
    await untilReady(consumer, 180_000)
    expect((await consumer.healthReport("/ready")).body.reason).toBe(undefined)
    expect(await consumer.health("/live")).toBe(200)
    await produceRaw(kafka, topic, values.slice(half), 100)
    await eventually(() => "everything committed", committed(values.length), 120_000)

    const stored = await storedIdentities(db)
    expect(stored.counts.size).toBe(traffic.unique.length)
    expect([...stored.counts.values()].every((n) => n === 1)).toBe(true)
    expect(stored.total).toBe(traffic.unique.length)
    passed = true
  } finally {
    const exit = await consumer.stop("SIGTERM")
    if (passed) expect(exit.code).toBe(0)
  }
  const lines = output.lines()
  expect(notJsonLogLines(lines)).toEqual([])
  // kafkajs's own lines went through the app's logger (same shape, its namespace as an annotation).
  expect(lines.some((l) => String(JSON.parse(l.line).annotations?.kafkajs ?? "") !== "")).toBe(true)
})
