import { MemoryPayloadStoreLayer } from "@pt/adapters-memory/MemoryPayloadStore"
import { MemoryStatusFeedLayer } from "@pt/adapters-memory/MemoryStatusFeed"
import { PostgresStoreLayer } from "@pt/adapters-postgres/PostgresStore"
import { isSkipped, StoreMaintenance, StoreMaintenanceSchedule } from "@pt/adapters-postgres/StoreMaintenance"
import type { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import type { PayloadStore } from "@pt/domain/ports/PayloadStore"
import type { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { Metrics, MetricsRegistry } from "@pt/runtime/Metrics"
import { Effect, Layer } from "effect"
import type { ConsumerSettings } from "./ConsumerConfig.ts"
import { ConsumerMetrics, ConsumerMetricsLayer } from "./Metrics.ts"
import { PipelineRollupSchedule } from "./PipelineRollupSchedule.ts"

export type StorePorts = PayloadStore | PayloadQueries | StatusFeed

/**
 * Each maintenance round counted in the consumer's metrics (the same ConsumerMetricsLayer: layers are shared): what
 * a run did, and whether this instance ran it, skipped it (another instance held the maintenance lock) or failed.
 */
export const CountedMaintenance = Layer.effect(
  StoreMaintenance,
  Effect.gen(function* () {
    const maintenance = yield* StoreMaintenance
    const { maintenanceDone } = yield* ConsumerMetrics
    const { registry } = yield* MetricsRegistry
    const runs = Metrics.maintenanceRuns(registry)
    return StoreMaintenance.of({
      run: maintenance.run.pipe(
        Effect.tap((outcome) =>
          Effect.sync(() => {
            if (isSkipped(outcome)) return runs.inc({ outcome: "skipped" })
            runs.inc({ outcome: "ran" })
            maintenanceDone(outcome)
          }),
        ),
        Effect.tapError(() => Effect.sync(() => runs.inc({ outcome: "failed" }))),
      ),
    })
  }),
).pipe(Layer.provide(ConsumerMetricsLayer))

/**
 * The one place that chooses the store. PostgreSQL (with partition maintenance and retention on their schedule)
 * when a database is configured; else the in-memory store, which forgets everything on restart: development only.
 */
export const StoreLayer = (settings: ConsumerSettings): Layer.Layer<StorePorts, unknown> =>
  settings.store === "postgres"
    ? Layer.mergeAll(
        StoreMaintenanceSchedule(settings.maintenanceIntervalMs).pipe(Layer.provide(CountedMaintenance)),
        PipelineRollupSchedule(settings.rollupIntervalMs, settings.rollupLookbackMs),
      ).pipe(Layer.provideMerge(PostgresStoreLayer))
    : Layer.mergeAll(MemoryPayloadStoreLayer, MemoryStatusFeedLayer).pipe(
        Layer.tap(() =>
          Effect.logWarning("no database configured: using the in-memory store (data is lost on restart)"),
        ),
      )
