import { MemoryPayloadStoreLayer } from "@pt/adapters-memory/MemoryPayloadStore"
import { MemoryStatusFeedLayer } from "@pt/adapters-memory/MemoryStatusFeed"
import { PostgresStoreLayer } from "@pt/adapters-postgres/PostgresStore"
import { ReadRoutingObserver } from "@pt/adapters-postgres/ReadReplica"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import type { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { MetricsRegistry } from "@pt/runtime/Metrics"
import { Effect, Layer, Option } from "effect"
import { ApiConfig } from "./Config.ts"
import { ApiMetrics } from "./Metrics.ts"
import { readRoutingMetrics } from "./ReadMetrics.ts"

export type StorePorts = PayloadStore | PayloadQueries | StatusFeed

/** The in-process store: tests, and the embedded start until PGlite lands. */
export const MemoryStoreLayer: Layer.Layer<StorePorts> = Layer.merge(
  MemoryPayloadStoreLayer,
  MemoryStatusFeedLayer,
)

/**
 * `store` with the read replica's routing counted into the process's metrics registry (ReadMetrics.ts). The API
 * layer builds the store with its metrics in context (makeApiLayer); without them nothing is recorded.
 */
export const withReadMetrics = <E, R>(store: Layer.Layer<StorePorts, E, R>): Layer.Layer<StorePorts, E, R> =>
  Layer.unwrap(
    Effect.map(Effect.serviceOption(MetricsRegistry), (registry) =>
      Option.isNone(registry)
        ? store
        : store.pipe(
            Layer.provide(Layer.succeed(ReadRoutingObserver, readRoutingMetrics(registry.value.registry))),
          ),
    ),
  )

/**
 * The API's store by the shared rule (`@pt/runtime/StoreSelection`, as `ApiConfig.store`): PostgreSQL
 * (`PostgresStoreLayer`, which reads DATABASE_URL / DB_* and runs LISTEN/NOTIFY for the status feed) when a
 * database is configured, else the in-memory store. With a read replica (DATABASE_READ_URL) its reads go there.
 */
export const StoreLayer: Layer.Layer<StorePorts, unknown, ApiConfig> = Layer.unwrap(
  Effect.map(
    ApiConfig,
    ({ store }): Layer.Layer<StorePorts, unknown> =>
      store === "memory" ? MemoryStoreLayer : withReadMetrics(PostgresStoreLayer),
  ),
)

/** Times every read query into `payload_tracker_db_seconds` without the handlers knowing. */
export const InstrumentedQueriesLayer = Layer.effect(
  PayloadQueries,
  Effect.gen(function* () {
    const inner = yield* PayloadQueries
    const { dbSeconds } = yield* ApiMetrics
    const timed = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
      Effect.suspend(() => {
        const end = dbSeconds.startTimer()
        return Effect.ensuring(effect, Effect.sync(end))
      })
    return PayloadQueries.of({
      listPayloads: (q) => timed(inner.listPayloads(q)),
      listStatuses: (q) => timed(inner.listStatuses(q)),
      payloadHistory: (id) => timed(inner.payloadHistory(id)),
      countStatuses: (since, statuses) => timed(inner.countStatuses(since, statuses)),
      hostHistory: (q) => timed(inner.hostHistory(q)),
      pipelineAnalytics: (q) => timed(inner.pipelineAnalytics(q)),
      openByService: (at) => timed(inner.openByService(at)),
    })
  }),
)

/** Counts the stages each HTTP ingest write finished into the stage metrics (as the consumer does for records). */
export const InstrumentedStoreLayer = Layer.effect(
  PayloadStore,
  Effect.gen(function* () {
    const inner = yield* PayloadStore
    const { stagesFinished } = yield* ApiMetrics
    return PayloadStore.of({
      ping: inner.ping,
      record: (events) =>
        Effect.tap(inner.record(events), (result) =>
          Effect.sync(() => {
            if (result.finished !== undefined) stagesFinished(result.finished)
          }),
        ),
    })
  }),
)
