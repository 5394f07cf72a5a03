import { durationMap } from "@pt/domain/Durations"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { RequestId } from "@pt/domain/RequestId"
import { parseStatusDate } from "@pt/domain/Timestamp"
import { testDay } from "@pt/domain/testing/TestDates"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { DeadLetterHeaders } from "../src/DeadLetter.ts"
import { flakyMemoryStore } from "../testing/FlakyStore.ts"
import {
  createTopics,
  eventually,
  groupProgress,
  produceRaw,
  readTopic,
  testKafka,
  uniqueName,
} from "../testing/KafkaTestKit.ts"
import { startSource } from "../testing/SourceHarness.ts"
import { pipelineTraffic } from "../testing/StatusTraffic.ts"

// Fixture dates derive from the clock (see TestDates.ts): a fixed day goes stale.
const DAY = testDay()

const bootstrap = inject("kafkaBootstrapServers")
const kafka = testKafka(bootstrap)

const setup = async (partitions = 4) => {
  const topic = uniqueName("it.status")
  const dlqTopic = `${topic}.dlq`
  await createTopics(kafka, [
    { topic, partitions },
    { topic: dlqTopic, partitions: 1 },
  ])
  return { brokers: [bootstrap], topic, dlqTopic, groupId: uniqueName("it.group") }
}

describe("KafkaStatusSource against a real broker", () => {
  const closers: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined)
  })

  it("stores a shuffled pipeline with duplicates over several partitions exactly once, with the right durations", async () => {
    const settings = await setup(4)
    const traffic = pipelineTraffic(40, 7, 0.2)
    await produceRaw(
      kafka,
      settings.topic,
      traffic.all.map((m) => JSON.stringify(m)),
      50,
    )
    const store = flakyMemoryStore()
    const source = await startSource(settings, store.layer)
    closers.push(source.close)

    await eventually(
      () => `stored ${store.state.writes} batches`,
      async () =>
        (await groupProgress(kafka, settings.groupId, settings.topic)).committed === traffic.all.length,
    )
    expect(await source.count()).toBe(traffic.unique.length)
    expect(new Set(source.observed.batches.map((b) => b.partition)).size).toBe(4)
    for (const statuses of traffic.perPayload) {
      const history = await source.run(
        Effect.flatMap(PayloadQueries, (q) => q.payloadHistory(RequestId.make(statuses[0]!.request_id))),
      )
      expect(history?.statuses.length).toBe(statuses.length)
      const expected = durationMap(
        statuses.map((s) => ({ service: s.service, source: s.source ?? "", date: parseStatusDate(s.date)! })),
      )
      expect(durationMap(history!.statuses)).toEqual(expected)
      expect(history!.payload.created_at).toBe(parseStatusDate(statuses[0]!.date))
    }
    await source.close()
  })

  it("dead-letters every poison record with its reason and stores the valid neighbours", async () => {
    const settings = await setup(3)
    const ok = (n: number, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        request_id: `${"a".repeat(30)}${String(n).padStart(2, "0")}`,
        service: "ingress",
        status: "received",
        date: `${DAY}T10:00:${String(n).padStart(2, "0")}.123456Z`,
        ...extra,
      })
    const base = JSON.parse(ok(99)) as Record<string, unknown>
    const poison: Array<string | Buffer> = [
      "{not json",
      JSON.stringify([base]),
      JSON.stringify({ ...base, service: 5 }),
      JSON.stringify({ ...base, status: undefined }),
      JSON.stringify({ ...base, request_id: "-1" }),
      JSON.stringify({ ...base, request_id: "None" }),
      JSON.stringify({ ...base, request_id: "third-party" }),
      JSON.stringify({ ...base, request_id: "" }),
      JSON.stringify({ ...base, date: `${DAY}` }),
      JSON.stringify({ ...base, date: `${DAY}T10:00:00+0100` }),
      JSON.stringify({ ...base, date: 1795000000 }),
      Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      JSON.stringify({ ...base, status_msg: "x".repeat(1024 * 1024) }),
      "null",
    ]
    const valid = [
      ok(1),
      ok(2, { request_id: "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb" }),
      ok(3, { status_msg: "nul\u0000inside" }),
      ok(4, { SERVICE: "Puptoo", Request_ID: undefined }),
    ]
    const mixed: Array<string | Buffer> = []
    for (const [i, p] of poison.entries()) mixed.push(valid[i % valid.length]!, p)
    mixed.push(ok(50))
    await produceRaw(kafka, settings.topic, mixed, 3)
    const store = flakyMemoryStore()
    const source = await startSource(settings, store.layer)
    closers.push(source.close)

    const letters = await readTopic(kafka, settings.dlqTopic, poison.length, 60_000)
    expect(letters.length).toBe(poison.length)
    for (const letter of letters) {
      expect(letter.headers[DeadLetterHeaders.reason]).toBeTruthy()
      expect(letter.headers[DeadLetterHeaders.topic]).toBe(settings.topic)
    }
    const originals = new Set(poison.map((p) => Buffer.from(p).toString("base64")))
    for (const letter of letters)
      expect(originals.has((letter.value ?? Buffer.alloc(0)).toString("base64"))).toBe(true)
    const reasons = letters.map((l) => l.headers[DeadLetterHeaders.reason]!)
    expect(reasons.some((r) => r.startsWith("record too large"))).toBe(true)
    expect(reasons.some((r) => r.includes("invalid UTF-8"))).toBe(true)
    expect(reasons.some((r) => r.includes("an array"))).toBe(true)

    // Every record's batch commits after its letters are sent, so this follows at once (a dropped commit used to
    // leave it waiting here for good: see CommitRetry.test.ts).
    let committed = 0
    await eventually(
      () => `all offsets committed (${committed} of ${mixed.length})`,
      async () => {
        committed = (await groupProgress(kafka, settings.groupId, settings.topic)).committed
        return committed === mixed.length
      },
    )
    // Valid neighbours were repeated between the poison records: each distinct status is stored once.
    const distinct = new Set(valid.concat(ok(50)))
    expect(await source.count()).toBe(distinct.size)
    const dashed = await source.run(
      Effect.flatMap(PayloadQueries, (q) => q.payloadHistory(RequestId.make("b".repeat(32)))),
    )
    expect(dashed?.statuses.length).toBe(1)
    const nul = await source.run(
      Effect.flatMap(PayloadQueries, (q) => q.payloadHistory(RequestId.make(`${"a".repeat(30)}03`))),
    )
    expect(nul?.statuses[0]?.status_msg).toBe("nulinside")
    await source.close()
  })

  it("pauses while the store is down, commits nothing, then resumes and loses nothing", async () => {
    const settings = await setup(3)
    const traffic = pipelineTraffic(120, 11, 0)
    const store = flakyMemoryStore()
    const source = await startSource({ ...settings, heartbeatIntervalMs: 1_000 }, store.layer)
    closers.push(source.close)
    const half = Math.floor(traffic.all.length / 2)
    await produceRaw(
      kafka,
      settings.topic,
      traffic.all.slice(0, half).map((m) => JSON.stringify(m)),
      100,
    )
    await eventually(
      () => "first half stored",
      async () => (await source.count()) === half,
    )

    store.state.down = true
    const before = await groupProgress(kafka, settings.groupId, settings.topic)
    await produceRaw(
      kafka,
      settings.topic,
      traffic.all.slice(half).map((m) => JSON.stringify(m)),
      100,
    )
    await eventually(
      () => "a failed write",
      () => store.state.failedWrites >= 2,
    )
    // Not a fixed wait: the source shows it is alive through the outage (more failed attempts, heartbeats answered
    // while it holds the batch), and only then is "nothing committed" worth checking.
    const failedBefore = store.state.failedWrites
    const heartbeats = () => source.observed.events.filter((e) => e === "heartbeat").length
    const beatsBefore = heartbeats()
    await eventually(
      () => `retries (${store.state.failedWrites}) and heartbeats (${heartbeats()}) during the outage`,
      () => store.state.failedWrites >= failedBefore + 2 && heartbeats() >= beatsBefore + 3,
    )
    const during = await groupProgress(kafka, settings.groupId, settings.topic)
    expect(during.committed).toBe(before.committed)
    expect(await source.count()).toBe(half)

    store.state.down = false
    await eventually(
      () => "everything committed after the outage",
      async () =>
        (await groupProgress(kafka, settings.groupId, settings.topic)).committed === traffic.all.length,
    )
    expect(await source.count()).toBe(traffic.unique.length)
    expect(source.observed.failures.every((f) => f.dependency === "store")).toBe(true)
    expect(source.observed.recoveries).toContain("store")
    // The group was kept through the outage: no rejoin after the first one.
    expect(source.observed.events.filter((e) => e === "group_join").length).toBe(1)
    await source.close()
  })

  it("closing the source (SIGTERM path) commits what it stored and leaves the group", async () => {
    const settings = await setup(2)
    const traffic = pipelineTraffic(200, 3, 0)
    await produceRaw(
      kafka,
      settings.topic,
      traffic.all.map((m) => JSON.stringify(m)),
      200,
    )
    const store = flakyMemoryStore()
    const source = await startSource({ ...settings, maxBytesPerPartition: 16 * 1024 }, store.layer)
    await eventually(
      () => "some batches",
      () => source.observed.batches.length >= 2,
    )
    await source.close()
    const stored = await source.count()
    const progress = await groupProgress(kafka, settings.groupId, settings.topic)
    // Every committed record was stored; the batch in flight at close was finished and committed too.
    expect(progress.committed).toBe(source.observed.batches.reduce((n, b) => n + b.records, 0))
    expect(stored).toBeGreaterThanOrEqual(progress.committed)
    const admin = kafka.admin()
    await admin.connect()
    const { groups } = await admin.describeGroups([settings.groupId])
    await admin.disconnect()
    expect(groups[0]?.members.length).toBe(0)
  })
})

beforeAll(() => {
  expect(bootstrap).toBeTruthy()
})
