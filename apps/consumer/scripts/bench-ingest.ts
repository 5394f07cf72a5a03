/**
 * `pnpm --filter @pt/consumer bench:ingest`: pre-produces BENCH_MESSAGES (default 1,000,000) realistic status
 * messages (the pipeline mix, 2 % redelivered, null keys) to a fresh topic of BENCH_PARTITIONS partitions, starts
 * the consumer process against a fresh PostgreSQL database, and measures until every record is stored and
 * committed: messages/s, the consumer's peak RSS, p99 store-write time per batch. Prints progress and a summary,
 * saves JSON under bench-results/. Uses KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL when set, else starts the
 * project's throwaway servers (scripts/kafka.sh, scripts/postgres.sh).
 */
import { mkdirSync, writeFileSync } from "node:fs"
import { cpus, totalmem } from "node:os"
import { fileURLToPath } from "node:url"
import { startBroker, stopBroker } from "@pt/adapters-kafka/testing/KafkaBroker"
import { createTopics, groupProgress, testKafka, uniqueName } from "@pt/adapters-kafka/testing/KafkaTestKit"
import { payloadStatuses, random, trafficStartMs } from "@pt/adapters-kafka/testing/StatusTraffic"
import {
  createTestDatabase,
  dropTestDatabase,
  resolveDatabaseUrl,
} from "@pt/adapters-postgres/testing/PostgresTestServer"
import { formatRss, sampleRss } from "@pt/api/testing/RssSampler"
import { CONSUMER_NODE_FLAGS, metricValue, startConsumer } from "../testing/ConsumerProcess.ts"
import { databaseUrlOf, storedCount } from "../testing/StoredStatuses.ts"
import { histogramQuantile } from "./HistogramQuantile.ts"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const total = Number(process.env.BENCH_MESSAGES ?? 1_000_000)
const partitions = Number(process.env.BENCH_PARTITIONS ?? 6)
const say = (line: string) => process.stdout.write(`[bench:ingest] ${line}\n`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const givenBroker = process.env.KAFKA_BOOTSTRAP_SERVERS
const instance = `bench-${process.pid}`

const main = async () => {
  const bootstrap = givenBroker || (await startBroker(instance)).bootstrapServers
  const databaseUrl = resolveDatabaseUrl()
  const db = await createTestDatabase(databaseUrl, "bench")
  const kafka = testKafka(bootstrap)
  const topic = uniqueName("bench.status")
  await createTopics(kafka, [
    { topic, partitions },
    { topic: `${topic}.dlq`, partitions: 1 },
  ])
  say(`broker ${bootstrap}, database ${db.database}, topic ${topic} (${partitions} partitions)`)

  // 1. Pre-produce: chunks of whole uploads, shuffled within the chunk, 2 % sent twice.
  const producer = kafka.producer({ allowAutoTopicCreation: false })
  await producer.connect()
  const rand = random(42)
  let produced = 0
  let unique = 0
  let payloadIndex = 0
  // About nine statuses per upload, uploads 100 ms apart: the whole run's dates end just before now.
  const startMs = trafficStartMs(Math.ceil(total / 9), 100)
  const produceStarted = Date.now()
  let lastReport = 0
  const inFlight = new Set<Promise<unknown>>()
  while (produced < total) {
    const chunk: Array<string> = []
    while (chunk.length < 5_000 && produced + chunk.length < total) {
      for (const s of payloadStatuses(rand, startMs + payloadIndex++ * 100)) {
        if (produced + chunk.length >= total) break
        const json = JSON.stringify(s)
        chunk.push(json)
        unique++
        if (rand() < 0.02 && produced + chunk.length < total) chunk.push(json)
      }
    }
    for (let i = chunk.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      ;[chunk[i], chunk[j]] = [chunk[j]!, chunk[i]!]
    }
    produced += chunk.length
    const send = producer.send({ topic, acks: -1, messages: chunk.map((value) => ({ key: null, value })) })
    inFlight.add(send)
    void send.finally(() => inFlight.delete(send))
    if (inFlight.size >= 4) await Promise.race(inFlight)
    if (Date.now() - lastReport > 2_000) {
      lastReport = Date.now()
      say(`produced ${produced.toLocaleString()} / ${total.toLocaleString()}`)
    }
  }
  await Promise.all(inFlight)
  await producer.disconnect()
  const produceSeconds = (Date.now() - produceStarted) / 1000
  say(`produced ${produced.toLocaleString()} records in ${produceSeconds.toFixed(1)} s`)

  // 2. Consume: start the consumer process and watch committed offsets until they reach the end.
  const groupId = uniqueName("bench.group")
  const logFile = `${root}test-artifacts/bench-ingest-consumer.log`
  mkdirSync(`${root}test-artifacts`, { recursive: true })
  const started = Date.now()
  const consumer = await startConsumer(
    {
      KAFKA_BOOTSTRAP_SERVERS: bootstrap,
      KAFKA_TOPIC: topic,
      KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      KAFKA_GROUP_ID: groupId,
      DATABASE_URL: databaseUrlOf(db),
      DB_MIGRATE_ON_START: "true",
    },
    logFile,
    process.env.BENCH_NODE_FLAGS === undefined
      ? undefined
      : process.env.BENCH_NODE_FLAGS.split(" ").filter(Boolean),
  )
  const rss = sampleRss(consumer.child.pid!)
  let firstCommitAt = 0
  let committed = 0
  const timeline: Array<{ t: number; committed: number; rssMb: number }> = []
  while (committed < produced) {
    await sleep(1_000)
    if (consumer.child.exitCode !== null)
      throw new Error(`consumer exited (${consumer.child.exitCode}); see ${logFile}`)
    // The group coordinator may still be loading right after the group formed: a retriable error, ask again.
    committed = await groupProgress(kafka, groupId, topic).then(
      (p) => p.committed,
      (error: { retriable?: boolean }) => {
        if (error.retriable === true) return committed
        throw error
      },
    )
    if (committed > 0 && firstCommitAt === 0) firstCommitAt = Date.now()
    const t = (Date.now() - started) / 1000
    timeline.push({ t, committed, rssMb: Math.round(rss.current()) })
    say(
      `${t.toFixed(0)} s: committed ${committed.toLocaleString()} (${((committed / produced) * 100).toFixed(1)} %), RSS ${Math.round(rss.current())} MB`,
    )
  }
  const doneAt = Date.now()
  const metrics = await consumer.metrics()
  const memory = rss.stop()
  const exit = await consumer.stop("SIGTERM")

  const stored = await storedCount(db)
  if (stored !== unique) say(`WARNING: ${stored} statuses stored, expected ${unique}`)
  const seconds = (doneAt - started) / 1000
  const steadySeconds = (doneAt - (firstCommitAt || started)) / 1000
  const result = {
    benchmark: "ingest",
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, memoryGb: Math.round(totalmem() / 2 ** 30) },
    messages: produced,
    uniqueStatuses: unique,
    storedStatuses: stored,
    partitions,
    consumerNodeFlags: process.env.BENCH_NODE_FLAGS ?? CONSUMER_NODE_FLAGS.join(" "),
    consumerEnv: Object.fromEntries(
      Object.entries(process.env).filter(([k]) => k.startsWith("KAFKA_") && k !== "KAFKA_BOOTSTRAP_SERVERS"),
    ),
    produceSeconds,
    consumeSeconds: seconds,
    messagesPerSecond: Math.round(produced / seconds),
    messagesPerSecondFromFirstCommit: Math.round(produced / steadySeconds),
    peakRssMb: Math.round(memory.peakMb),
    rss: memory,
    storeWriteSecondsP99: histogramQuantile(metrics, "payload_tracker_consumer_store_write_seconds", 0.99),
    storeWriteSecondsP50: histogramQuantile(metrics, "payload_tracker_consumer_store_write_seconds", 0.5),
    batches: metricValue(metrics, "payload_tracker_consumer_batch_size_count"),
    heapUsedMbAtEnd: Math.round(metricValue(metrics, "nodejs_heap_size_used_bytes") / 2 ** 20),
    heapTotalMbAtEnd: Math.round(metricValue(metrics, "nodejs_heap_size_total_bytes") / 2 ** 20),
    externalMbAtEnd: Math.round(metricValue(metrics, "nodejs_external_memory_bytes") / 2 ** 20),
    statusesWritten: metricValue(metrics, "payload_tracker_messages_processed"),
    consumerExit: exit,
    targets: { messagesPerSecond: 20_000, peakRssMb: 256 },
    timeline,
  }
  mkdirSync(`${root}bench-results`, { recursive: true })
  const file = `${root}bench-results/ingest-${result.date.replace(/[:.]/g, "-")}.json`
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`)
  say(
    `${produced.toLocaleString()} messages stored and committed in ${seconds.toFixed(1)} s: ` +
      `${result.messagesPerSecond.toLocaleString()} msg/s (${result.messagesPerSecondFromFirstCommit.toLocaleString()} from the first commit), ` +
      `${formatRss(memory)}, store write p99 ${(result.storeWriteSecondsP99 * 1000).toFixed(0)} ms ` +
      `(p50 ${(result.storeWriteSecondsP50 * 1000).toFixed(0)} ms, ${result.batches} batches)`,
  )
  say(`saved ${file}`)

  await dropTestDatabase(databaseUrl, db).catch(() => undefined)
  const admin = kafka.admin()
  await admin.connect()
  await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] }).catch(() => undefined)
  await admin.disconnect()
}

main()
  .catch((error) => {
    console.error(error)
    process.exitCode = 1
  })
  .finally(async () => {
    if (!givenBroker) await stopBroker(instance).catch(() => undefined)
  })
