import { type ChildProcess, spawn } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type {} from "@pt/adapters-kafka/testing/globalSetup"
import {
  createTopics,
  eventually,
  produceRaw,
  testKafka,
  uniqueName,
} from "@pt/adapters-kafka/testing/KafkaTestKit"
import type {} from "@pt/adapters-postgres/testing/globalSetup"
import { createTestDatabase } from "@pt/adapters-postgres/testing/PostgresTestServer"
import { startApi } from "@pt/api/testing/TestServer"
import { expect, inject, it } from "vitest"
import { freePort, startConsumer, untilReady } from "../testing/ConsumerProcess.ts"
import { databaseUrlOf } from "../testing/StoredStatuses.ts"

// The Debian package's server (scripts/test-alert-rules.sh installs it with promtool).
const PROMETHEUS = "/usr/bin/prometheus"
const RULES = fileURLToPath(new URL("../../../deploy/prometheus/alerts.yml", import.meta.url))

interface Rule {
  readonly name: string
  readonly health: string
  readonly lastError?: string
  readonly lastEvaluation: string
}

it("a real Prometheus scrapes a running consumer and API and evaluates every rule without error", async () => {
  // A missing server fails the test, it never skips: scripts/test-alert-rules.sh (run by ./pt test first)
  // installs Debian's prometheus package.
  if (!existsSync(PROMETHEUS)) {
    throw new Error(`${PROMETHEUS} not found: run scripts/test-alert-rules.sh (installs Debian's prometheus)`)
  }
  const kafka = testKafka(inject("kafkaBootstrapServers"))
  const topic = uniqueName("prom.it")
  await createTopics(kafka, [
    { topic, partitions: 1 },
    { topic: `${topic}.dlq`, partitions: 1 },
  ])
  const now = Date.now()
  const iso = (ms: number) => new Date(ms).toISOString()
  const id = crypto.randomUUID().replaceAll("-", "")
  await produceRaw(
    kafka,
    topic,
    [
      { request_id: id, service: "puptoo", status: "received", date: iso(now - 60_000) },
      { request_id: id, service: "puptoo", status: "success", date: iso(now - 30_000) },
      { request_id: id, service: "advisor", status: "received", date: iso(now - 20_000) },
    ].map((m) => JSON.stringify(m)),
    10,
  )
  // The consumer on a PostgreSQL database of its own (the gauges and stage counts come from the summary
  // tables), the API with its in-memory store.
  const db = await createTestDatabase(inject("databaseUrl"), "prometheus")
  const consumer = await startConsumer({
    KAFKA_BOOTSTRAP_SERVERS: inject("kafkaBootstrapServers"),
    KAFKA_TOPIC: topic,
    KAFKA_DLQ_TOPIC: `${topic}.dlq`,
    KAFKA_GROUP_ID: uniqueName("prom.group"),
    OPEN_PAYLOADS_INTERVAL: "1 second",
    DATABASE_URL: databaseUrlOf(db),
    DB_MIGRATE_ON_START: "true",
    DB_POOL_SIZE: "2",
  })
  const api = await startApi()
  const dir = mkdtempSync(join(tmpdir(), "pt-prometheus-"))
  let prometheus: ChildProcess | undefined
  try {
    await untilReady(consumer)
    const ingest = await fetch(`${api.url}/api/v1/statuses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify([
        { request_id: id, service: "ingress", status: "received", date: iso(now - 50_000) },
        { request_id: id, service: "ingress", status: "success", date: iso(now - 40_000) },
      ]),
    })
    expect(ingest.status).toBeLessThan(300)
    const apiTarget = new URL(api.metricsUrl).host
    const port = await freePort()
    writeFileSync(
      join(dir, "prometheus.yml"),
      [
        "global: { scrape_interval: 1s, evaluation_interval: 1s }",
        `rule_files: [${JSON.stringify(RULES)}]`,
        "scrape_configs:",
        `  - { job_name: consumer, static_configs: [{ targets: ["127.0.0.1:${consumer.metricsPort}"] }] }`,
        `  - { job_name: api, static_configs: [{ targets: [${JSON.stringify(apiTarget)}] }] }`,
        "",
      ].join("\n"),
    )
    prometheus = spawn(
      PROMETHEUS,
      [
        `--config.file=${join(dir, "prometheus.yml")}`,
        `--storage.tsdb.path=${join(dir, "data")}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: "ignore" },
    )
    const get = async <A>(path: string): Promise<A | undefined> => {
      try {
        const r = await fetch(`http://127.0.0.1:${port}${path}`)
        return r.ok ? ((await r.json()) as { data: A }).data : undefined
      } catch {
        return undefined
      }
    }
    let targets: Array<{ labels: { job: string }; health: string; lastError: string }> = []
    await eventually(
      () => `both targets up: ${JSON.stringify(targets)}`,
      async () => {
        targets = (await get<{ activeTargets: typeof targets }>("/api/v1/targets"))?.activeTargets ?? []
        return targets.length === 2 && targets.every((t) => t.health === "up")
      },
    )
    let rules: Array<Rule> = []
    await eventually(
      () => `every rule evaluated: ${JSON.stringify(rules)}`,
      async () => {
        const groups = (await get<{ groups: Array<{ rules: Array<Rule> }> }>("/api/v1/rules"))?.groups ?? []
        rules = groups.flatMap((g) => g.rules)
        return rules.length > 0 && rules.every((r) => !r.lastEvaluation.startsWith("0001-"))
      },
    )
    expect(rules.filter((r) => r.health !== "ok")).toEqual([])
    // The stage and gauge series arrived through the scrapes (from Kafka in the consumer, HTTP ingest in the API).
    let names: Array<string> = []
    await eventually(
      () => `the operator series scraped: ${names.join(" ")}`,
      async () => {
        const q = encodeURIComponent(
          'count by (__name__, job) ({__name__=~"payload_tracker_(stage|service)_.+"})',
        )
        const result = (
          await get<{ result: Array<{ metric: { __name__: string; job: string } }> }>(
            `/api/v1/query?query=${q}`,
          )
        )?.result
        names = (result ?? []).map((r) => `${r.metric.job}:${r.metric.__name__}`)
        return [
          "consumer:payload_tracker_service_payloads_open",
          "consumer:payload_tracker_stage_outcomes",
          "api:payload_tracker_stage_outcomes",
        ].every((n) => names.includes(n))
      },
    )
  } finally {
    if (prometheus !== undefined && prometheus.exitCode === null) {
      const exited = new Promise((resolve) => prometheus?.once("exit", resolve))
      prometheus.kill("SIGTERM")
      await exited
    }
    await consumer.stop()
    await api.close()
    rmSync(dir, { recursive: true, force: true })
  }
}, 120_000)
