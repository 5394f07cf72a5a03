import type { SourceObserverShape } from "@pt/adapters-kafka/SourceObserver"
import type { MaintenanceReport } from "@pt/adapters-postgres/StoreMaintenance"
import type { OpenServiceCount } from "@pt/domain/ports/PayloadQueries"
import type { FinishedStage } from "@pt/domain/ports/PayloadStore"
import { Metrics, MetricsRegistry, MetricsRegistryLayer, stageRecorder } from "@pt/runtime/Metrics"
import { Context, Effect, Layer } from "effect"

/**
 * The consumer's Prometheus metrics (definitions shared with the API in @pt/runtime/Metrics): the names operators'
 * dashboards already use, plus batch size, store write time, dead-letters, lag per partition and what store
 * maintenance did.
 */
export class ConsumerMetrics extends Context.Service<
  ConsumerMetrics,
  {
    /** The observer the Kafka source calls; it only updates these metrics. */
    readonly observer: Omit<SourceObserverShape, "consumerEvent" | "dependencyRecovered"> & {
      readonly consumerError: () => void
    }
    /** Counts one run of partition maintenance and retention. */
    readonly maintenanceDone: (report: MaintenanceReport) => void
    /** Counts the stages a batch finished (outcome counter, stage histogram). */
    readonly stagesFinished: (finished: ReadonlyArray<FinishedStage>) => void
    /** Sets the open/stalled gauges to a fresh count; services no longer open go to 0. */
    readonly openByService: (counts: ReadonlyArray<OpenServiceCount>) => void
  }
>()("@pt/consumer/ConsumerMetrics") {}

export const ConsumerMetricsLayer = Layer.effect(
  ConsumerMetrics,
  Effect.map(MetricsRegistry, ({ registry }) => {
    const consumed = Metrics.consumedMessages(registry)
    const consumeErrors = Metrics.consumeErrors(registry)
    const invalidIds = Metrics.consumerInvalidRequestIds(registry)
    const invalidMessages = Metrics.consumerInvalidMessages(registry)
    const processed = Metrics.messagesProcessed(registry)
    const processSeconds = Metrics.messageProcessSeconds(registry)
    const processErrors = Metrics.messageProcessErrors(registry)
    const batchSize = Metrics.consumerBatchSize(registry)
    const writeSeconds = Metrics.consumerStoreWriteSeconds(registry)
    const duplicates = Metrics.consumerDuplicateStatuses(registry)
    const deadLettered = Metrics.consumerDeadLettered(registry)
    const lag = Metrics.consumerLag(registry)
    const partitionsCreated = Metrics.partitionsCreated(registry)
    const partitionsDropped = Metrics.retentionDroppedPartitions(registry)
    const statusesDeleted = Metrics.retentionDeletedStatuses(registry)
    const payloadsDeleted = Metrics.retentionDeletedPayloads(registry)
    const open = Metrics.servicePayloadsOpen(registry)
    const stalled = Metrics.servicePayloadsStalled(registry)
    const stagesFinished = stageRecorder(registry)
    // Services reported before: set to 0 rather than removed, so a drop to none is seen (and alerts resolve).
    const reported = new Set<string>()
    return ConsumerMetrics.of({
      observer: {
        batchFetched: (records) => consumed.inc(records),
        batchDone: (r) => {
          processed.inc(r.stored)
          duplicates.inc(r.duplicates)
          batchSize.observe(r.records)
          writeSeconds.observe(r.writeSeconds)
          processSeconds.observe(r.totalSeconds)
          lag.set({ topic: r.topic, partition: String(r.partition) }, r.lag)
          for (const rejection of r.rejected) {
            deadLettered.inc({ kind: rejection.kind })
            if (rejection.kind === "invalid_message") invalidMessages.inc()
            else invalidIds.inc()
          }
        },
        dependencyFailed: (dependency) =>
          dependency === "store" ? processErrors.inc() : consumeErrors.inc(),
        consumerError: () => consumeErrors.inc(),
      },
      maintenanceDone: ({ partitions, retention }) => {
        partitionsCreated.inc(partitions.created.length)
        partitionsDropped.inc(retention.droppedPartitions.length)
        statusesDeleted.inc(retention.deletedStatuses)
        payloadsDeleted.inc(retention.deletedPayloads)
      },
      stagesFinished,
      openByService: (counts) => {
        const now = new Set(counts.map((c) => c.service))
        for (const service of reported) {
          if (now.has(service)) continue
          open.set({ service }, 0)
          stalled.set({ service }, 0)
        }
        for (const c of counts) {
          reported.add(c.service)
          open.set({ service: c.service }, c.open)
          stalled.set({ service: c.service }, c.stalled)
        }
      },
    })
  }),
).pipe(Layer.provideMerge(MetricsRegistryLayer))
