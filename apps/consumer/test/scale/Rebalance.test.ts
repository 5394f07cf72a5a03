import { mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { createTopics, groupProgress, testKafka, uniqueName } from "@pt/adapters-kafka/testing/KafkaTestKit"
import { pipelineTraffic } from "@pt/adapters-kafka/testing/StatusTraffic"
import { createTestDatabase, dropTestDatabase } from "@pt/adapters-postgres/testing/PostgresTestServer"
import { statusIdentity } from "@pt/domain/StatusEvent"
import { decodeStatusValue } from "@pt/domain/StatusMessage"
import { Result } from "effect"
import { AssignerProtocol, type Kafka } from "kafkajs"
import { expect, inject, it } from "vitest"
import { type ConsumerProcess, startConsumer, untilReady } from "../../testing/ConsumerProcess.ts"
import { streamStatuses } from "../../testing/StatusStream.ts"
import { databaseUrlOf, storedIdentities } from "../../testing/StoredStatuses.ts"

/**
 * Several consumer processes in one group share a topic's partitions through Kafka's own group protocol: three
 * real processes on a 12-partition topic while traffic flows, one SIGKILLed mid-stream, one added back. Kafka
 * hands the dead member's partitions to the others (after its session expires) and the new one gets a share;
 * records the killed process had written but not committed are delivered again and the store's identity check
 * makes them duplicates, so every status is stored exactly once.
 */
const root = fileURLToPath(new URL("../../../../", import.meta.url))
const logDir = `${root}test-artifacts/consumer-scale`
const PARTITIONS = 12

/** A sample's value in Prometheus text by its full name with labels (0 when absent: a counter not yet counted). */
const sampleValue = (text: string, sample: string): number => {
  const line = text.split("\n").find((l) => l.startsWith(`${sample} `))
  return line === undefined ? 0 : Number(line.slice(sample.length + 1))
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** The partitions of `topic` each live member of the group holds (members that hold none are listed with []). */
const assignments = async (kafka: Kafka, groupId: string, topic: string) => {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const { groups } = await admin.describeGroups([groupId])
    const group = groups[0]
    return {
      state: group?.state ?? "Unknown",
      members: (group?.members ?? []).map(
        (m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)?.assignment[topic] ?? [],
      ),
    }
  } finally {
    await admin.disconnect()
  }
}

/** Waits until `members` members form a stable group that holds every partition once, each member a share. */
const untilShared = async (
  kafka: Kafka,
  groupId: string,
  topic: string,
  members: number,
  timeoutMs: number,
) => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const a = await assignments(kafka, groupId, topic)
    const held = a.members.flat().sort((x, y) => x - y)
    if (
      a.state === "Stable" &&
      a.members.length === members &&
      a.members.every((p) => p.length > 0) &&
      held.length === PARTITIONS &&
      held.every((p, i) => p === i)
    )
      return a.members
    if (Date.now() > deadline) throw new Error(`group not shared by ${members}: ${JSON.stringify(a)}`)
    await sleep(500)
  }
}

it("three consumers share 12 partitions; one SIGKILLed and one added mid-traffic: every status stored once", async () => {
  mkdirSync(logDir, { recursive: true })
  const kafka = testKafka(inject("kafkaBootstrapServers"))
  const databaseUrl = inject("databaseUrl")
  const topic = uniqueName("scale.rebalance")
  await createTopics(kafka, [
    { topic, partitions: PARTITIONS },
    { topic: `${topic}.dlq`, partitions: 1 },
  ])
  const db = await createTestDatabase(databaseUrl, "scale")
  const consumers: Array<ConsumerProcess> = []
  try {
    // Modest traffic (≈ 4,800 records): the point is the rebalance, not throughput.
    const traffic = pipelineTraffic(500, 12, 0.1)
    const values = traffic.all.map((m) => JSON.stringify(m))
    const expected = new Set(
      traffic.unique.map((m) => {
        const decoded = decodeStatusValue(m)
        if (!Result.isSuccess(decoded)) throw new Error("traffic must be valid")
        return statusIdentity(decoded.success)
      }),
    )
    const env = {
      KAFKA_BOOTSTRAP_SERVERS: inject("kafkaBootstrapServers"),
      KAFKA_TOPIC: topic,
      KAFKA_DLQ_TOPIC: `${topic}.dlq`,
      KAFKA_GROUP_ID: uniqueName("scale.group"),
      // The killed member holds its partitions until its session expires: the broker's minimum, 6 s.
      KAFKA_SESSION_TIMEOUT_MS: "6000",
      KAFKA_HEARTBEAT_INTERVAL_MS: "1000",
      DATABASE_URL: databaseUrlOf(db),
      // All three migrate on start at once: the migration lock makes them take turns.
      DB_MIGRATE_ON_START: "true",
      DB_POOL_SIZE: "3",
      // Node's compile cache: the processes started after the first three load the app's modules from it (their
      // start is most of this test's time on a busy machine).
      NODE_COMPILE_CACHE: `${logDir}/compile-cache`,
    }
    const start = (n: number) => startConsumer(env, `${logDir}/consumer-${n}.log`)
    consumers.push(...(await Promise.all([start(1), start(2), start(3)])))
    await Promise.all(consumers.map((c) => untilReady(c, 90_000)))
    expect((await untilShared(kafka, env.KAFKA_GROUP_ID, topic, 3, 60_000)).length).toBe(3)

    // Traffic in three parts so the kill and the join both happen while records flow, however long a process
    // takes to start on a busy machine: the last part is held back until the added consumer is in the group.
    const quarter = Math.floor(values.length / 4)
    const pace = { chunk: 150, pauseMs: 250 }
    await streamStatuses(kafka, topic, values.slice(0, quarter), pace)
    const middle = streamStatuses(kafka, topic, values.slice(quarter, 3 * quarter), pace)
    const exit = await consumers[1]!.stop("SIGKILL")
    expect(exit.signal).toBe("SIGKILL")
    const added = await start(4)
    consumers.push(added)
    await Promise.all([middle, untilReady(added, 90_000)])
    const last = streamStatuses(kafka, topic, values.slice(3 * quarter), pace)
    const live = consumers.filter((c) => c.child.exitCode === null && c.child.signalCode === null)
    expect(live.length).toBe(3)
    // The dead member's partitions and a share for the new one: three live members hold all 12 again.
    await untilShared(kafka, env.KAFKA_GROUP_ID, topic, 3, 60_000)
    await last

    const deadline = Date.now() + 60_000
    for (;;) {
      const p = await groupProgress(kafka, env.KAFKA_GROUP_ID, topic)
      if (p.end === values.length && p.committed === p.end) break
      if (Date.now() > deadline) throw new Error(`committed ${p.committed} of ${p.end}`)
      await sleep(500)
    }
    const stored = await storedIdentities(db)
    const duplicated = [...stored.counts].filter(([, n]) => n !== 1)
    expect(duplicated).toEqual([])
    expect(stored.total).toBe(expected.size)
    expect([...stored.counts.keys()].filter((id) => !expected.has(id))).toEqual([])
    expect([...expected].filter((id) => !stored.counts.has(id))).toEqual([])
    // Every live process scheduled maintenance at start: each round ran (it held the lock) or skipped, none failed.
    for (const c of live) {
      const text = await c.metrics()
      const runs = (outcome: string) =>
        sampleValue(text, `payload_tracker_maintenance_runs{outcome="${outcome}"}`)
      expect(runs("ran") + runs("skipped")).toBeGreaterThanOrEqual(1)
      expect(runs("failed")).toBe(0)
    }
    for (const c of live) expect((await c.stop("SIGTERM")).code).toBe(0)
  } finally {
    await Promise.allSettled(consumers.map((c) => c.stop("SIGKILL")))
    await dropTestDatabase(databaseUrl, db)
  }
})
