import { Metrics, MetricsRegistry, MetricsRegistryLayer, stageRecorder } from "@pt/runtime/Metrics"
import { MetricsServerLayer as ServeMetrics } from "@pt/runtime/MetricsServer"
import { Context, Effect, Layer } from "effect"
import type { Counter, Histogram } from "prom-client"
import { ApiConfig } from "./Config.ts"

export { MetricsServer } from "@pt/runtime/MetricsServer"

/**
 * The API's Prometheus metrics (definitions shared with the consumer in @pt/runtime/Metrics). The consumer-side
 * names count HTTP ingest here: it is the same write path as a Kafka record.
 */
export class ApiMetrics extends Context.Service<
  ApiMetrics,
  {
    readonly requests: Counter
    readonly responses: Counter<"code">
    readonly requestSeconds: Histogram
    readonly dbSeconds: Histogram
    readonly apiInvalidRequestIds: Counter
    readonly consumerInvalidRequestIds: Counter
    readonly messagesProcessed: Counter
    readonly messageProcessSeconds: Histogram
    readonly messageProcessErrors: Counter
    /** Counts the stages an HTTP ingest write finished (RecordResult.finished), as the consumer does. */
    readonly stagesFinished: ReturnType<typeof stageRecorder>
  }
>()("@pt/api/ApiMetrics") {}

/** The metrics on a registry of their own (with Node's process metrics), which the metrics server serves. */
export const ApiMetricsLayer = Layer.effect(
  ApiMetrics,
  Effect.map(MetricsRegistry, ({ registry }) =>
    ApiMetrics.of({
      requests: Metrics.requests(registry),
      responses: Metrics.responses(registry),
      requestSeconds: Metrics.requestSeconds(registry),
      dbSeconds: Metrics.dbSeconds(registry),
      apiInvalidRequestIds: Metrics.apiInvalidRequestIds(registry),
      consumerInvalidRequestIds: Metrics.consumerInvalidRequestIds(registry),
      messagesProcessed: Metrics.messagesProcessed(registry),
      messageProcessSeconds: Metrics.messageProcessSeconds(registry),
      messageProcessErrors: Metrics.messageProcessErrors(registry),
      stagesFinished: stageRecorder(registry),
    }),
  ),
).pipe(Layer.provideMerge(MetricsRegistryLayer))

/** `GET /metrics` on METRICSPORT. */
export const MetricsServerLayer = Layer.unwrap(
  Effect.map(ApiConfig, ({ metricsPort }) => ServeMetrics(metricsPort)),
)
