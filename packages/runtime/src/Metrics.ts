import { Context, Layer } from "effect"
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client"

/**
 * The process's Prometheus registry, with Node's process metrics (`process_*`, `nodejs_*`, as docs/api.md lists).
 * It lives in the layer, not in prom-client's global default registry, so tests can run several apps in one process.
 */
export class MetricsRegistry extends Context.Service<MetricsRegistry, { readonly registry: Registry }>()(
  "@pt/runtime/MetricsRegistry",
) {}

export const MetricsRegistryLayer = Layer.sync(MetricsRegistry, () => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  return MetricsRegistry.of({ registry })
})

/** A metric definition: registering it twice in one registry throws, so each name has one place and one shape. */
type MetricDefinition<M> = (registry: Registry) => M

const counter =
  <L extends string = never>(name: string, help: string, labelNames: ReadonlyArray<L> = []) =>
  (registry: Registry) =>
    new Counter<L>({ name, help, labelNames, registers: [registry] })
const histogram =
  <L extends string = never>(
    name: string,
    help: string,
    buckets: Array<number>,
    labelNames: ReadonlyArray<L> = [],
  ) =>
  (registry: Registry): Histogram<L> =>
    new Histogram<L>({ name, help, buckets, labelNames, registers: [registry] })
const gauge =
  <L extends string>(name: string, help: string, labelNames: ReadonlyArray<L>) =>
  (registry: Registry) =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] })

/**
 * Seconds of a batch or a write: fine below 100 ms where the hot path lives, up to 30 s of a retried write. Also
 * the API's ingest request under the same name (it had prom-client's default buckets: one name, one shape now).
 */
const SECONDS = [0.002, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2, 5, 10, 30]

/** Seconds of a pipeline stage: from a fraction of a second (a quick check) to the 1 h that makes a payload stalled. */
const STAGE_SECONDS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600]

/**
 * Every metric of the project, by the names operators' dashboards already use (docs/api.md "Metrics": the
 * `payload_tracker_*` names up to `message_process_errors`) plus the consumer's and the store maintenance's own.
 * The API counts HTTP ingest under the consumer-side names: it is the same write path as a Kafka record.
 */
export const Metrics = {
  requests: counter("payload_tracker_requests", "API requests"),
  responses: counter("payload_tracker_responses", "API responses by status code", ["code"]),
  requestSeconds: histogram(
    "payload_tracker_request_seconds",
    "Seconds from an API request to its response (an SSE stream until its headers)",
    SECONDS,
  ),
  dbSeconds: histogram(
    "payload_tracker_db_seconds",
    "Time spent in store queries",
    [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ),
  // Only with a read replica configured (DATABASE_READ_URL / DB_READ_HOST): where the API's reads ran, and the
  // replica's state at its last probe (docs/postgres.md "Read replica").
  dbReads: counter(
    "payload_tracker_db_reads",
    "Store reads by where they ran (target: replica, primary) and why not on the replica (reason: unreachable, lag, conflict)",
    ["target", "reason"],
  ),
  dbReadReplicaUp: gauge(
    "payload_tracker_db_read_replica_up",
    "1 when the last probe reached the read replica, else 0",
    [],
  ),
  dbReadReplicaLagSeconds: gauge(
    "payload_tracker_db_read_replica_lag_seconds",
    "Replay lag of the read replica at the last probe (NaN when it could not be measured)",
    [],
  ),
  apiInvalidRequestIds: counter(
    "payload_tracker_api_invalid_request_IDs",
    "API requests naming an invalid request id",
  ),
  consumedMessages: counter("payload_tracker_consumed_messages", "Kafka records consumed"),
  consumeErrors: counter(
    "payload_tracker_consume_errors",
    "Kafka errors: consumer crashes, request timeouts, failed dead-letter sends",
  ),
  consumerInvalidRequestIds: counter(
    "payload_tracker_consumer_invalid_request_IDs",
    "Status messages (records or HTTP ingest items) rejected for an invalid request id or invalid JSON",
  ),
  consumerInvalidMessages: counter(
    "payload_tracker_consumer_invalid_messages",
    "Records rejected for another reason (missing field, wrong type, bad date, too large)",
  ),
  messagesProcessed: counter(
    "payload_tracker_messages_processed",
    "Status messages processed: valid statuses written by the consumer (duplicates included), items of HTTP ingest",
  ),
  messageProcessSeconds: histogram(
    "payload_tracker_message_process_seconds",
    "Seconds to process one batch (consumer: decode, store, dead-letter, commit; API: one ingest request)",
    SECONDS,
  ),
  messageProcessErrors: counter(
    "payload_tracker_message_process_errors",
    "Status messages not processed: failed store writes in the consumer (each retried), invalid items of HTTP ingest",
  ),
  consumerBatchSize: histogram(
    "payload_tracker_consumer_batch_size",
    "Records per handled batch",
    [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
  ),
  consumerStoreWriteSeconds: histogram(
    "payload_tracker_consumer_store_write_seconds",
    "Seconds of the one store write per batch",
    SECONDS,
  ),
  consumerDuplicateStatuses: counter(
    "payload_tracker_consumer_duplicate_statuses",
    "Statuses already stored (redelivery) or repeated in a batch",
  ),
  consumerDeadLettered: counter(
    "payload_tracker_consumer_dead_lettered",
    "Records sent to the dead-letter topic, by rejection kind",
    ["kind"],
  ),
  consumerLag: gauge(
    "payload_tracker_consumer_lag",
    "Records behind the high watermark, per partition, after the last batch",
    ["topic", "partition"],
  ),
  partitionsCreated: counter(
    "payload_tracker_partitions_created",
    "Daily payload_statuses partitions created ahead of time",
  ),
  retentionDroppedPartitions: counter(
    "payload_tracker_retention_dropped_partitions",
    "Daily partitions dropped by retention",
  ),
  retentionDeletedStatuses: counter(
    "payload_tracker_retention_deleted_statuses",
    "Statuses removed by retention",
  ),
  retentionDeletedPayloads: counter(
    "payload_tracker_retention_deleted_payloads",
    "Payloads removed by retention because no status remained",
  ),
  maintenanceRuns: counter(
    "payload_tracker_maintenance_runs",
    "Rounds of store maintenance by outcome: ran (this instance held the maintenance lock), skipped (another did), failed",
    ["outcome"],
  ),
  // Where payloads are stuck and how stages end (docs/operations.md). The gauges are store-wide, refreshed by the
  // consumer: every consumer pod reports the same value, so dashboards and alerts take `max by (service)`.
  servicePayloadsOpen: gauge(
    "payload_tracker_service_payloads_open",
    "Payloads in progress whose stage in this service is open (store-wide; aggregate with max)",
    ["service"],
  ),
  servicePayloadsStalled: gauge(
    "payload_tracker_service_payloads_stalled",
    "Stalled payloads (latest status older than STALLED_AFTER) whose stage in this service is open (store-wide; aggregate with max)",
    ["service"],
  ),
  stageSeconds: histogram(
    "payload_tracker_stage_seconds",
    "Seconds of a service's stage (first received to last terminal status), observed when the write finishes it",
    STAGE_SECONDS,
    ["service"],
  ),
  stageOutcomes: counter(
    "payload_tracker_stage_outcomes",
    "Stages finished by the write, by service and outcome (success, error); a redelivery finishes nothing",
    ["service", "outcome"],
  ),
} satisfies Record<string, MetricDefinition<unknown>>

/**
 * The stage metrics' writer for the process that writes statuses (consumer; API for HTTP ingest): one outcome
 * count and one duration per stage the store reports finished (the domain's RecordResult.finished, elapsed in
 * microseconds), which the store reports once per finish, never for a redelivery.
 */
export const stageRecorder = (registry: Registry) => {
  const seconds = Metrics.stageSeconds(registry)
  const outcomes = Metrics.stageOutcomes(registry)
  return (
    finished: ReadonlyArray<{ readonly service: string; readonly state: string; readonly elapsed: number }>,
  ): void => {
    for (const f of finished) {
      outcomes.inc({ service: f.service, outcome: f.state })
      seconds.observe({ service: f.service }, f.elapsed / 1_000_000)
    }
  }
}
