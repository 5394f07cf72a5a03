import { MemoryPayloadStoreLayer } from "@pt/adapters-memory/MemoryPayloadStore"
import { MemoryStatusFeedLayer } from "@pt/adapters-memory/MemoryStatusFeed"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import type { PayloadStore } from "@pt/domain/ports/PayloadStore"
import type { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { Effect, Layer } from "effect"
import { ApiConfig } from "./Config.ts"
import { ApiMetrics } from "./Metrics.ts"

export type StorePorts = PayloadStore | PayloadQueries | StatusFeed

/** The in-process store: tests, and the embedded start until PGlite lands. */
export const MemoryStoreLayer: Layer.Layer<StorePorts> = Layer.merge(
  MemoryPayloadStoreLayer,
  MemoryStatusFeedLayer,
)

/**
 * The one place that chooses the store: PostgreSQL when DATABASE_URL or DB_HOST is configured, else memory.
 * The PostgreSQL adapter (packages/adapters-postgres, `PostgresStoreLayer`) is being written in parallel;
 * until it exports that layer, a configured database is a startup error rather than a silent memory store.
 */
export const StoreLayer: Layer.Layer<StorePorts, Error, ApiConfig> = Layer.unwrap(
  Effect.map(
    ApiConfig,
    ({ store }): Layer.Layer<StorePorts, Error> =>
      store === "memory"
        ? MemoryStoreLayer
        : Layer.unwrap(
            Effect.fail(
              new Error(
                "DATABASE_URL/DB_HOST is set but the PostgreSQL store is not wired into the API yet; unset them to use the in-memory store",
              ),
            ) as Effect.Effect<typeof MemoryStoreLayer, Error>,
          ),
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
    })
  }),
)
