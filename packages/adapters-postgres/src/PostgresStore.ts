import type { StoreUnavailable } from "@pt/domain/Errors"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import type { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { type Config, Context, Effect, Layer } from "effect"
import { migrateUp, pendingMigrations } from "./Migrate.ts"
import { postgresOrm, type StoreOrm } from "./MikroOrm.ts"
import { ensurePartitions, startOfDay } from "./Partitions.ts"
import { PgNotifyFeedLayer } from "./PgNotifyFeed.ts"
import { loadPostgresConfig, type PostgresConfig } from "./PostgresConfig.ts"
import { makePostgresPayloadQueries } from "./PostgresPayloadQueries.ts"
import { makePostgresPayloadStore } from "./PostgresPayloadStore.ts"
import { tryQuery } from "./SqlClient.ts"
import { type MaintenanceSettings, makeStoreMaintenance, StoreMaintenance } from "./StoreMaintenance.ts"

const DAY_MS = 86_400_000

/** Whether the schema is current: `/ready` answers 503 while migrations are pending. */
export class StoreSchema extends Context.Service<
  StoreSchema,
  { readonly pendingMigrations: Effect.Effect<ReadonlyArray<string>, StoreUnavailable> }
>()("@pt/adapters-postgres/StoreSchema") {}

export type StoreServices = PayloadStore | PayloadQueries | StoreMaintenance | StoreSchema

/** Migrations (when asked), today's partitions, then the store services over one MikroORM client. */
export const storeServices = Effect.fnUntraced(function* (
  store: StoreOrm,
  settings: MaintenanceSettings & { readonly migrate: boolean },
) {
  if (settings.migrate) {
    const applied = yield* migrateUp(store)
    if (applied.length > 0) yield* Effect.logInfo(`applied migrations: ${applied.join(", ")}`)
  }
  const pending = yield* pendingMigrations(store)
  if (pending.length === 0) {
    // Daily partitions exist from the first write on; StoreMaintenance keeps them coming.
    const today = startOfDay(Date.now())
    yield* tryQuery("creating partitions", () =>
      ensurePartitions(
        store.sql,
        today - settings.retentionDays * DAY_MS,
        today + settings.partitionsAheadDays * DAY_MS,
      ),
    )
  } else {
    yield* Effect.logWarning(`database schema not current, pending migrations: ${pending.join(", ")}`)
  }
  return Context.make(PayloadStore, yield* makePostgresPayloadStore(store.sql)).pipe(
    Context.add(PayloadQueries, makePostgresPayloadQueries(store.sql)),
    Context.add(StoreMaintenance, makeStoreMaintenance(store.sql, settings)),
    Context.add(StoreSchema, { pendingMigrations: pendingMigrations(store) }),
  )
})

/** The PostgreSQL store from an explicit configuration. */
export const postgresStoreLayer = (
  config: PostgresConfig,
): Layer.Layer<StoreServices | StatusFeed, StoreUnavailable> =>
  Layer.unwrap(
    Effect.gen(function* () {
      const store = yield* postgresOrm(config)
      const services = Layer.effectContext(
        storeServices(store, { ...config, migrate: config.migrateOnStart }),
      )
      return Layer.merge(services, PgNotifyFeedLayer(store.sql, config))
    }),
  )

/**
 * PayloadStore + PayloadQueries + StatusFeed (LISTEN/NOTIFY) + StoreMaintenance + StoreSchema, configured from
 * the environment: DATABASE_URL, or Clowder's ACG_CONFIG, or DB_HOST/DB_PORT/DB_USER/DB_PASSWORD/DB_NAME;
 * DB_POOL_SIZE, DB_MIGRATE_ON_START, RETENTION_DAYS, PARTITIONS_AHEAD_DAYS.
 */
export const PostgresStoreLayer: Layer.Layer<
  StoreServices | StatusFeed,
  StoreUnavailable | Config.ConfigError
> = Layer.unwrap(Effect.map(loadPostgresConfig(), postgresStoreLayer))
