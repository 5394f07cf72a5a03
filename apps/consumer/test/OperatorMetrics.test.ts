import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { MemoryPayloadStoreLayer } from "@pt/adapters-memory/MemoryPayloadStore"
import { ApiMetricsLayer } from "@pt/api/Metrics"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import { freshId, statusEvent } from "@pt/domain/testing/Fixtures"
import { MetricsRegistry } from "@pt/runtime/Metrics"
import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { ConsumerMetricsLayer } from "../src/Metrics.ts"
import { ObservedStoreLayer, refreshOpenGauges } from "../src/StageMetrics.ts"

const deploy = (path: string) =>
  readFileSync(fileURLToPath(new URL(`../../../deploy/${path}`, import.meta.url)), "utf8")

/** The names a registry exposes on /metrics (a histogram as its _bucket/_sum/_count series), from `# TYPE`. */
const exposedNames = (text: string): Set<string> => {
  const names = new Set<string>()
  for (const line of text.split("\n")) {
    const m = /^# TYPE (\S+) (\S+)$/.exec(line)
    if (m === null) continue
    const [, name, type] = m as unknown as [string, string, string]
    if (type === "histogram") for (const s of ["_bucket", "_sum", "_count"]) names.add(name + s)
    else names.add(name)
  }
  return names
}

const registryText = (layer: Layer.Layer<MetricsRegistry, unknown>) =>
  Effect.runPromise(
    Effect.flatMap(MetricsRegistry, ({ registry }) => Effect.promise(() => registry.metrics())).pipe(
      Effect.provide(layer),
    ),
  )

/** Every identifier of a text; recording rules are `level:metric:operations` (a YAML key ends in a colon). */
const identifiers = (text: string) => [...text.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0])

describe("the metrics the dashboard and the alert rules use", () => {
  it("are all exposed by the API or the consumer", async () => {
    const exposed = new Set([
      ...exposedNames(await registryText(ApiMetricsLayer)),
      ...exposedNames(await registryText(ConsumerMetricsLayer)),
    ])
    const rules = deploy("prometheus/alerts.yml")
    const dashboard = JSON.parse(deploy("grafana/payload-tracker.json")) as {
      panels: Array<{ type: string; targets?: Array<{ expr: string }> }>
    }
    const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr))
    expect(exprs.length).toBeGreaterThan(10)
    const recorded = new Set([...rules.matchAll(/^\s*- record: (\S+)$/gm)].map((m) => m[1]))
    // Ours are payload_tracker_*; Node's process metrics come with the registry.
    const used = (text: string) =>
      identifiers(text).filter(
        (id) => /^(payload_tracker_|process_|nodejs_)/.test(id) || /^\w+:[\w:]*\w$/.test(id),
      )
    const unknown = [...new Set([...used(rules), ...exprs.flatMap(used)])].filter((name) =>
      name.includes(":") ? !recorded.has(name) : !exposed.has(name),
    )
    expect(unknown).toEqual([])
    // The panels the runbook names (docs/operations.md) are there.
    for (const name of [
      "payload_tracker_messages_processed",
      "payload_tracker_consumer_dead_lettered",
      "payload_tracker_consumer_lag",
      "payload_tracker_request_seconds_bucket",
      "payload_tracker_service_payloads_open",
      "payload_tracker_service_payloads_stalled",
      "payload_tracker_stage_seconds_bucket",
      "payload_tracker_stage_outcomes",
    ])
      expect(
        exprs.some((e) => identifiers(e).includes(name)),
        name,
      ).toBe(true)
  })
})

it("the consumer counts each finished stage once and sets the open/stalled gauges from the store", async () => {
  const MINUTE = 60_000_000
  const now = Date.now() * 1000
  const id = freshId()
  const stalled = freshId()
  const batch = [
    statusEvent({ request_id: id, service: "puptoo", status: "received", date: now - 10 * MINUTE }),
    statusEvent({ request_id: id, service: "puptoo", status: "success", date: now - 9 * MINUTE }),
    statusEvent({ request_id: id, service: "advisor", status: "received", date: now - 8 * MINUTE }),
    statusEvent({ request_id: stalled, service: "advisor", status: "received", date: now - 120 * MINUTE }),
  ]
  const store = MemoryPayloadStoreLayer
  const text = await Effect.runPromise(
    Effect.gen(function* () {
      const { record } = yield* PayloadStore
      yield* record(batch)
      yield* record([...batch].reverse()) // a redelivery: nothing more is counted
      yield* refreshOpenGauges({ stalledAfterMs: 3_600_000 })
      const { registry } = yield* MetricsRegistry
      return yield* Effect.promise(() => registry.metrics())
    }).pipe(
      Effect.provide(ObservedStoreLayer.pipe(Layer.provideMerge(Layer.merge(store, ConsumerMetricsLayer)))),
    ),
  )
  const sample = (line: string) => {
    const found = text.split("\n").find((l) => l.startsWith(`${line} `))
    return found === undefined ? undefined : Number(found.slice(line.length + 1))
  }
  expect(sample('payload_tracker_stage_outcomes{service="puptoo",outcome="success"}')).toBe(1)
  expect(sample('payload_tracker_stage_seconds_count{service="puptoo"}')).toBe(1)
  expect(sample('payload_tracker_stage_seconds_sum{service="puptoo"}')).toBe(60)
  expect(sample('payload_tracker_service_payloads_open{service="advisor"}')).toBe(2)
  expect(sample('payload_tracker_service_payloads_stalled{service="advisor"}')).toBe(1)
  expect(sample('payload_tracker_service_payloads_open{service="puptoo"}')).toBeUndefined()
})
