import { StoreMaintenance } from "@pt/adapters-postgres/StoreMaintenance"
import { MetricsRegistry } from "@pt/runtime/Metrics"
import { Effect, Layer } from "effect"
import { expect, it } from "vitest"
import { ConsumerMetricsLayer } from "../src/Metrics.ts"
import { CountedMaintenance } from "../src/StoreLayer.ts"
import { metricValue } from "../testing/ConsumerProcess.ts"

// The store layer counts maintenance through ConsumerMetricsLayer, and the consumer provides that same layer to
// its health and metrics server: Effect shares one instance, so the counts land in the registry /metrics serves.
it("each maintenance run is counted in the one registry the consumer serves", async () => {
  const report = {
    partitions: { created: ["payload_statuses_p1", "payload_statuses_p2"], moved: 0 },
    retention: {
      keepFrom: 0,
      droppedPartitions: ["payload_statuses_p0"],
      deletedStatuses: 7,
      deletedPayloads: 3,
    },
  }
  const maintenance = Layer.succeed(StoreMaintenance, StoreMaintenance.of({ run: Effect.succeed(report) }))
  const text = await Effect.runPromise(
    Effect.gen(function* () {
      const { run } = yield* StoreMaintenance
      yield* run
      yield* run
      const { registry } = yield* MetricsRegistry
      return yield* Effect.promise(() => registry.metrics())
    }).pipe(
      Effect.provide(
        Layer.mergeAll(CountedMaintenance.pipe(Layer.provide(maintenance)), ConsumerMetricsLayer),
      ),
    ),
  )
  expect(metricValue(text, "payload_tracker_partitions_created")).toBe(4)
  expect(metricValue(text, "payload_tracker_retention_dropped_partitions")).toBe(2)
  expect(metricValue(text, "payload_tracker_retention_deleted_statuses")).toBe(14)
  expect(metricValue(text, "payload_tracker_retention_deleted_payloads")).toBe(6)
})
