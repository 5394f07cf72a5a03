import { MemoryPayloadStoreLayer } from "@pt/adapters-memory/MemoryPayloadStore"
import { MemoryStatusFeedLayer } from "@pt/adapters-memory/MemoryStatusFeed"
import { PostgresStoreLayer } from "@pt/adapters-postgres/PostgresStore"
import { StoreMaintenanceSchedule } from "@pt/adapters-postgres/StoreMaintenance"
import type { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import type { PayloadStore } from "@pt/domain/ports/PayloadStore"
import type { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { Effect, Layer } from "effect"
import type { ConsumerSettings } from "./ConsumerConfig.ts"

export type StorePorts = PayloadStore | PayloadQueries | StatusFeed

/**
 * The one place that chooses the store. PostgreSQL (with partition maintenance and retention on their schedule)
 * when a database is configured; else the in-memory store, which forgets everything on restart: development only.
 */
export const StoreLayer = (settings: ConsumerSettings): Layer.Layer<StorePorts, unknown> =>
  settings.store === "postgres"
    ? StoreMaintenanceSchedule(settings.maintenanceIntervalMs).pipe(Layer.provideMerge(PostgresStoreLayer))
    : Layer.mergeAll(MemoryPayloadStoreLayer, MemoryStatusFeedLayer).pipe(
        Layer.tap(() =>
          Effect.logWarning("no database configured: using the in-memory store (data is lost on restart)"),
        ),
      )
