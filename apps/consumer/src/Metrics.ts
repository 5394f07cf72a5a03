import type { SourceObserverShape } from "@pt/adapters-kafka/SourceObserver"
import { Context, Layer } from "effect"
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client"

/**
 * The consumer's Prometheus metrics: the names operators' dashboards already use (docs/api.md, "Metrics"; docs/kafka.md), plus
 * batch size, store write time, dead-letters and lag per partition. The registry lives in the layer, not globally.
 */
export class ConsumerMetrics extends Context.Service<
  ConsumerMetrics,
  {
    readonly registry: Registry
    /** The observer the Kafka source calls; it only updates these metrics. */
    readonly observer: Omit<SourceObserverShape, "consumerEvent" | "dependencyRecovered"> & {
      readonly consumerError: () => void
    }
  }
>()("@pt/consumer/ConsumerMetrics") {}

const SECONDS = [0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30]

export const ConsumerMetricsLayer = Layer.sync(ConsumerMetrics, () => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  const consumed = new Counter({
    name: "payload_tracker_consumed_messages",
    help: "Kafka records consumed",
    registers,
  })
  const consumeErrors = new Counter({
    name: "payload_tracker_consume_errors",
    help: "Kafka errors: consumer crashes, request timeouts, failed dead-letter sends",
    registers,
  })
  const invalidIds = new Counter({
    name: "payload_tracker_consumer_invalid_request_IDs",
    help: "Records rejected for an invalid request id or invalid JSON",
    registers,
  })
  const invalidMessages = new Counter({
    name: "payload_tracker_consumer_invalid_messages",
    help: "Records rejected for another reason (missing field, wrong type, bad date, too large)",
    registers,
  })
  const processed = new Counter({
    name: "payload_tracker_messages_processed",
    help: "Valid statuses written to the store (duplicates included)",
    registers,
  })
  const processSeconds = new Histogram({
    name: "payload_tracker_message_process_seconds",
    help: "Seconds to process one batch: decode, store, dead-letter, commit",
    buckets: SECONDS,
    registers,
  })
  const processErrors = new Counter({
    name: "payload_tracker_message_process_errors",
    help: "Failed store writes (each retried: nothing is dropped)",
    registers,
  })
  const batchSize = new Histogram({
    name: "payload_tracker_consumer_batch_size",
    help: "Records per handled batch",
    buckets: [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
    registers,
  })
  const writeSeconds = new Histogram({
    name: "payload_tracker_consumer_store_write_seconds",
    help: "Seconds of the one store write per batch",
    buckets: SECONDS,
    registers,
  })
  const duplicates = new Counter({
    name: "payload_tracker_consumer_duplicate_statuses",
    help: "Statuses already stored (redelivery) or repeated in a batch",
    registers,
  })
  const deadLettered = new Counter({
    name: "payload_tracker_consumer_dead_lettered",
    help: "Records sent to the dead-letter topic, by rejection kind",
    labelNames: ["kind"],
    registers,
  })
  const lag = new Gauge({
    name: "payload_tracker_consumer_lag",
    help: "Records behind the high watermark, per partition, after the last batch",
    labelNames: ["topic", "partition"],
    registers,
  })
  return ConsumerMetrics.of({
    registry,
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
      dependencyFailed: (dependency) => (dependency === "store" ? processErrors.inc() : consumeErrors.inc()),
      consumerError: () => consumeErrors.inc(),
    },
  })
})
