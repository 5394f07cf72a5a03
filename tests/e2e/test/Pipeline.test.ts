import { DeadLetterHeaders } from "@pt/adapters-kafka/DeadLetter"
import { readTopic } from "@pt/adapters-kafka/testing/KafkaTestKit"
import { consumerKafkaEnv, freshTopics, untilCommitted } from "@pt/adapters-kafka/testing/TestTopics"
import { createTestDatabase, dropTestDatabase } from "@pt/adapters-postgres/testing/PostgresTestServer"
import {
  type ConsumerProcess,
  metricValue,
  startConsumer,
  untilReady,
} from "@pt/consumer/testing/ConsumerProcess"
import { databaseUrlOf } from "@pt/consumer/testing/StoredStatuses"
import { durationMap } from "@pt/domain/Durations"
import { payloadLifecycle } from "@pt/domain/Lifecycle"
import { RequestId } from "@pt/domain/RequestId"
import { type StatusEvent, statusIdentity } from "@pt/domain/StatusEvent"
import { decodeStatusMessage } from "@pt/domain/StatusMessage"
import { Micros, microsFromMillis, parseRfc3339 } from "@pt/domain/Timestamp"
import { startMockProducer } from "@pt/mock-producer/testing/MockProducerProcess"
import { Result } from "effect"
import { expect, it } from "vitest"
import { type ApiProcess, startApi } from "../testing/ApiProcess.ts"
import { brokers, cleanups, databaseUrl, kafka, LOGS } from "../testing/Harness.ts"
import { followSse } from "../testing/SseClient.ts"

/** Each scenario once, with a fixed seed; A, B and E also get a redelivered `received` (stored once). */
const SCENARIOS = [
  { scenario: "A", seed: 101, duplicates: "1" },
  { scenario: "B", seed: 102, duplicates: "1" },
  { scenario: "C", seed: 103, duplicates: "0" },
  { scenario: "D", seed: 104, duplicates: "0" },
  { scenario: "E", seed: 105, duplicates: "1" },
  { scenario: "F", seed: 106, duplicates: "0" },
  { scenario: "G", seed: 107, duplicates: "0" },
] as const

interface ApiStatus {
  readonly service: string
  readonly source?: string
  readonly status: string
  readonly status_msg?: string
  readonly request_id: string
  readonly date: string
}

const cleanup = cleanups()

it("mock producer → Kafka → consumer → PostgreSQL → API: every scenario's history, durations, outcome, SSE, DLQ", async () => {
  const topics = await freshTopics(kafka, "e2e.status", 4, "e2e.group")
  const db = await createTestDatabase(databaseUrl, "e2e")
  cleanup(() => dropTestDatabase(databaseUrl, db))
  const DATABASE_URL = databaseUrlOf(db)

  const consumer: ConsumerProcess = await startConsumer(
    {
      ...consumerKafkaEnv(brokers, topics),
      DATABASE_URL,
      DB_MIGRATE_ON_START: "true",
      DB_POOL_SIZE: "2",
    },
    `${LOGS}consumer.log`,
  )
  cleanup(() => consumer.stop())
  await untilReady(consumer)
  const api: ApiProcess = await startApi({ DATABASE_URL, DB_POOL_SIZE: "2" }, `${LOGS}api.log`)
  cleanup(() => api.stop())

  // All scenarios at once, each paced in real time as `single` does; the SSE stream of A opens as soon as its
  // request_id is printed, while its statuses are still being produced and stored.
  const runs = SCENARIOS.map(({ scenario, seed, duplicates }) => {
    const run = startMockProducer([
      "single",
      ...["--scenario", scenario, "--seed", String(seed), "--duplicates", duplicates, "--noise", "0.15"],
      ...["--output", "kafka", "--brokers", brokers, "--topic", topics.topic, "--api", api.url],
    ])
    cleanup(run.stop)
    return { scenario, run }
  })
  const ids = new Map<string, string>()
  for (const { scenario, run } of runs) ids.set(scenario, (await run.line(/^request_id ([0-9a-f]{32}) /))[1]!)
  const sse = await followSse(`${api.url}/api/v1/payloads/${ids.get("A")}/events`)
  cleanup(sse.close)

  let produced = 0
  for (const { scenario, run } of runs) {
    const { code, stdout, stderr } = await run.exited
    expect(code, `${scenario}: ${stdout}${stderr}`).toBe(0)
    expect(stderr).not.toContain("Warning")
    const done = /^done: (\d+) sent, 0 rejected, 0 errors$/m.exec(stdout)
    expect(done, stdout).not.toBeNull()
    expect(stdout).toContain(`${api.url}/api/v1/payloads/${ids.get(scenario)}`)
    produced += Number(done![1])
  }

  // What went on the wire, read back from the topic: valid statuses per payload, and the noise.
  const records = await readTopic(kafka, topics.topic, produced)
  expect(records.every((r) => r.key === null)).toBe(true)
  expect(new Set(records.map((r) => r.partition)).size).toBeGreaterThan(1)
  const sent = new Map<string, Array<StatusEvent>>()
  const noise: Array<string> = []
  for (const r of records) {
    const decoded = decodeStatusMessage(r.value!)
    if (Result.isFailure(decoded)) noise.push(r.value!.toString("utf8"))
    else
      sent.set(decoded.success.request_id, [...(sent.get(decoded.success.request_id) ?? []), decoded.success])
  }
  expect(noise.length).toBeGreaterThan(0)

  // Everything committed = everything stored or dead-lettered.
  await untilCommitted(kafka, topics, produced, 30_000)

  const now = microsFromMillis(Date.now())
  for (const { scenario } of SCENARIOS) {
    const id = ids.get(scenario)!
    const unique = new Map((sent.get(id) ?? []).map((e) => [statusIdentity(e), e]))
    const response = await fetch(`${api.url}/api/v1/payloads/${id}`)
    expect(response.status, scenario).toBe(200)
    const body = (await response.json()) as { data: Array<ApiStatus>; duration: Record<string, string> }
    const history = body.data.map((s) => ({
      request_id: RequestId.make(s.request_id),
      service: s.service,
      source: s.source ?? "",
      status: s.status,
      status_msg: s.status_msg ?? "",
      date: parseRfc3339(s.date)!,
    }))
    const keys = history.map(statusIdentity)
    // The same statuses as produced, each once (the redelivered `received` included only once).
    expect(new Set(keys).size, `${scenario}: duplicates in the history`).toBe(keys.length)
    expect([...keys].sort(), scenario).toEqual([...unique.keys()].sort())
    expect(body.duration, scenario).toEqual(durationMap([...unique.values()]))

    const lifecycle = payloadLifecycle(history, { now, stalledAfter: Micros.make(3_600_000_000) })!
    const byDate = [...history].sort((a, b) => a.date - b.date)
    const compliance = (sent.get(id) ?? []).some((e) => e.status === "error")
    switch (scenario) {
      case "A":
      case "G":
        expect(lifecycle.outcome, scenario).toBe("success")
        break
      case "F":
        // compliance fails in 3 % of F payloads; then the copy to the reject bucket makes it an error.
        expect(lifecycle.outcome, scenario).toBe(compliance ? "error" : "success")
        break
      case "B":
        expect(byDate.at(-1)).toMatchObject({ service: "storage-broker", status: "success" })
        expect(lifecycle.outcome).toBe("error")
        break
      case "C":
      case "D":
        expect(lifecycle.outcome, scenario).toBe("error")
        break
      case "E":
        expect(history.map((s) => `${s.service} ${s.status}`)).toEqual(["ingress received"])
        expect(lifecycle.outcome).toBe("in_progress")
        break
    }
  }

  // The API process saw the consumer process's writes live (PostgreSQL LISTEN/NOTIFY).
  await sse.close()
  const statusEvents = sse.events.filter((e) => e.event === "status")
  expect(sse.events[0]?.event).toBe("connected")
  expect(statusEvents.length).toBeGreaterThan(0)
  const aKeys = new Set((sent.get(ids.get("A")!) ?? []).map(statusIdentity))
  for (const e of statusEvents) {
    const s = JSON.parse(e.data) as ApiStatus
    expect(s.request_id).toBe(ids.get("A"))
    const key = statusIdentity({
      ...s,
      request_id: RequestId.make(s.request_id),
      source: s.source ?? "",
      status_msg: s.status_msg ?? "",
      date: parseRfc3339(s.date)!,
    })
    expect(aKeys.has(key), key).toBe(true)
  }

  // Every noise record is in the dead-letter topic, byte for byte, with its reason.
  const letters = await readTopic(kafka, topics.dlqTopic, noise.length)
  expect(letters.map((l) => l.value!.toString("utf8")).sort()).toEqual([...noise].sort())
  expect(letters.every((l) => (l.headers[DeadLetterHeaders.reason] ?? "") !== "")).toBe(true)
  const metrics = await consumer.metrics()
  expect(
    metricValue(metrics, "payload_tracker_consumer_invalid_request_IDs") +
      metricValue(metrics, "payload_tracker_consumer_invalid_messages"),
  ).toBe(noise.length)

  expect((await consumer.stop()).code).toBe(0)
  // The API ends on SIGTERM through Effect's runMain (exit code 130, not 0): only check that it stops.
  expect((await api.stop()).signal).toBeNull()
})
