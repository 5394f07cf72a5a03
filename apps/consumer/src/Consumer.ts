import { KafkaConfigLayer } from "@pt/adapters-kafka/KafkaConfig"
import { KafkaStatusSource } from "@pt/adapters-kafka/KafkaStatusSource"
import { Effect, Layer } from "effect"
import { type ConsumerSettings, consumerSettings } from "./ConsumerConfig.ts"
import { ConsumerHealthLayer } from "./Health.ts"
import { ConsumerMetricsLayer } from "./Metrics.ts"
import { MetricsServerLayer } from "./MetricsServer.ts"
import { ObservedStoreLayer, OpenGaugesLayer } from "./StageMetrics.ts"
import { StoreLayer, type StorePorts } from "./StoreLayer.ts"

/**
 * The consumer process: store → metrics and health → Kafka source and the metrics server. Layers close in
 * reverse, so on SIGTERM the source finishes its batch, commits and leaves the group before the store closes.
 */
export const consumerLayer = (
  settings: ConsumerSettings,
  store: Layer.Layer<StorePorts, unknown> = StoreLayer(settings),
) => {
  const observed = ConsumerHealthLayer({
    stuckAfterMs: settings.stuckAfterMs,
    pingEveryMs: 10_000,
    brokerSilenceMs: settings.brokerSilenceMs,
  }).pipe(Layer.provideMerge(ConsumerMetricsLayer))
  // The source writes through the observed store (stage metrics); everything else sees the store as it is.
  const source = KafkaStatusSource.layer.pipe(
    Layer.provide(KafkaConfigLayer),
    Layer.provide(ObservedStoreLayer),
  )
  const gauges = OpenGaugesLayer({
    intervalMs: settings.openGaugesIntervalMs,
    stalledAfterMs: settings.stalledAfterMs,
  })
  return Layer.mergeAll(source, gauges, MetricsServerLayer(settings.metricsPort)).pipe(
    Layer.provideMerge(observed),
    Layer.provideMerge(store),
  )
}

/**
 * Runs until SIGTERM/SIGINT (clean stop) or a consumer crash kafkajs gave up on (exit non-zero). Settings, JSON
 * logs and the exit rule come from `runApp` (main.ts), whose logger the layers' background fibers inherit.
 */
export const runConsumer = Effect.flatMap(consumerSettings, (settings) =>
  Effect.flatMap(KafkaStatusSource, (source) => source.fatal).pipe(Effect.provide(consumerLayer(settings))),
)
