import { mkdirSync } from "node:fs"
import { MemoryStatusFeedLayer } from "@pt/adapters-memory/MemoryStatusFeed"
import type { StatusFeed } from "@pt/domain/ports/StatusFeed"
import type { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import { Effect, Layer } from "effect"
import { pgliteOrm } from "./MikroOrm.ts"
import { type StoreServices, storeServices } from "./PostgresStore.ts"

/**
 * The store for `./pt start`: the same schema, migrations and SQL as PostgresStoreLayer, run by PGlite
 * (PostgreSQL compiled to WASM) in this process and persisted to `dataDir`. Migrations always run on start;
 * the status feed is in-process (writer and readers share the process).
 */
export const EmbeddedStoreLayer = (
  dataDir: string,
  settings: { readonly retentionDays?: number; readonly partitionsAheadDays?: number } = {},
): Layer.Layer<StoreServices | StatusFeed, StoreUnavailable> =>
  Layer.merge(
    Layer.unwrap(
      Effect.gen(function* () {
        mkdirSync(dataDir, { recursive: true })
        const store = yield* pgliteOrm(dataDir)
        return Layer.effectContext(
          storeServices(store, {
            migrate: true,
            retentionDays: settings.retentionDays ?? 7,
            partitionsAheadDays: settings.partitionsAheadDays ?? 3,
          }),
        )
      }),
    ),
    // One process writes and reads: the in-process feed of the memory adapter is the right one.
    MemoryStatusFeedLayer,
  )
