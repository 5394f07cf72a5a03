import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import type { StatusFeed } from "@pt/domain/ports/StatusFeed"
import type { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import { type Config, Context, Effect, Layer } from "effect"
import type pg from "pg"
import { makeLookupNames } from "./LookupNames.ts"
import { migrateUp, pendingMigrations } from "./Migrate.ts"
import { postgresOrm, type StoreOrm } from "./MikroOrm.ts"
import { ensurePartitions, startOfDay } from "./Partitions.ts"
import { PgNotifyFeedLayer } from "./PgNotifyFeed.ts"
import { pgPool, pgSqlClient } from "./PgSqlClient.ts"
import { makePipelineRollup, PipelineRollup } from "./PipelineRollup.ts"
import { loadPostgresConfig, type PostgresConfig } from "./PostgresConfig.ts"
import { makePostgresPayloadQueries } from "./PostgresPayloadQueries.ts"
import { makePostgresPayloadStore } from "./PostgresPayloadStore.ts"
import { type ReadRouter, readRouter, replicaConfig, routedQueries } from "./ReadReplica.ts"
import type { Queryable } from "./SqlClient.ts"
import { orUnavailable } from "./StoreErrors.ts"
import {
  type MaintenanceSettings,
  maintenanceClient,
  makeStoreMaintenance,
  StoreMaintenance,
} from "./StoreMaintenance.ts"

const DAY_MS = 86_400_000

/** Whether the schema is current: `/ready` answers 503 while migrations are pending. */
export class StoreSchema extends Context.Service<
  StoreSchema,
  { readonly pendingMigrations: Effect.Effect<ReadonlyArray<string>, StoreUnavailable> }
>()("@pt/adapters-postgres/StoreSchema") {}

export type StoreServices = PayloadStore | PayloadQueries | StoreMaintenance | StoreSchema | PipelineRollup

const hasNul = (value: unknown): boolean =>
  typeof value === "string"
    ? value.includes("\u0000")
    : typeof value === "object" && value !== null && Object.values(value).some(hasNul)

/**
 * A filter holding NUL matches nothing: PostgreSQL text cannot hold NUL (the writers strip it), and sent to
 * PostgreSQL such a parameter fails the whole query ("invalid byte sequence for encoding UTF8: 0x00") instead.
 */
export const nulMatchesNothing = (queries: PayloadQueries["Service"]): PayloadQueries["Service"] =>
  PayloadQueries.of({
    listPayloads: (q) => (hasNul(q) ? Effect.succeed({ count: 0, data: [] }) : queries.listPayloads(q)),
    listStatuses: (q) => (hasNul(q) ? Effect.succeed({ count: 0, data: [] }) : queries.listStatuses(q)),
    payloadHistory: (id) => (hasNul(id) ? Effect.succeed(undefined) : queries.payloadHistory(id)),
    countStatuses: (since, statuses) => {
      const stored = statuses.filter((s) => !hasNul(s))
      return stored.length === 0 && statuses.length > 0
        ? Effect.succeed([])
        : queries.countStatuses(since, stored)
    },
    hostHistory: (q) => (hasNul(q) ? Effect.succeed(undefined) : queries.hostHistory(q)),
    pipelineAnalytics: (q) => queries.pipelineAnalytics(q),
    openByService: (at) => queries.openByService(at),
  })

export interface StoreSettings extends MaintenanceSettings {
  readonly migrate: boolean
  /** The connection `ping` uses (PostgreSQL: a pool of one of its own); default the store's client. */
  readonly health?: Queryable
  readonly writeStatementTimeoutMs?: number
  /** DB_WRITE_SUMMARY: `false` skips the payload summary (benchmarks only); default `true`. */
  readonly writeSummary?: boolean
  /** Sends the PayloadQueries reads to a read replica (ReadReplica.ts); default: all on the store's client. */
  readonly reads?: ReadRouter
}

/** Migrations (when asked), today's partitions, then the store services over one MikroORM client. */
export const storeServices = Effect.fnUntraced(function* (store: StoreOrm, settings: StoreSettings) {
  if (settings.migrate) {
    const applied = yield* migrateUp(store)
    if (applied.length > 0) yield* Effect.logInfo(`applied migrations: ${applied.join(", ")}`)
  }
  const pending = yield* pendingMigrations(store)
  if (pending.length === 0) {
    // Daily partitions exist from the first write on; StoreMaintenance keeps them coming.
    const today = startOfDay(Date.now())
    yield* ensurePartitions(
      maintenanceClient(store.sql),
      today - settings.retentionDays * DAY_MS,
      today + settings.partitionsAheadDays * DAY_MS,
    ).pipe(orUnavailable("creating partitions"))
  } else {
    yield* Effect.logWarning(`database schema not current, pending migrations: ${pending.join(", ")}`)
  }
  // Migrations only ever get applied while a process runs, so once current the schema stays current: /ready
  // then needs no migrator query (which would wait for a connection behind the user queries).
  let current = pending.length === 0
  const schema = Effect.suspend(() =>
    current
      ? Effect.succeed<ReadonlyArray<string>>([])
      : pendingMigrations(store).pipe(
          Effect.tap((p) =>
            Effect.sync(() => {
              current = p.length === 0
            }),
          ),
        ),
  )
  // One cache of the lookup names for the writes and the reads of this store.
  const names = makeLookupNames(store.sql)
  const payloadStore = makePostgresPayloadStore(store.sql, names, {
    ...(settings.health === undefined ? {} : { health: settings.health }),
    ...(settings.writeStatementTimeoutMs === undefined
      ? {}
      : { writeStatementTimeoutMs: settings.writeStatementTimeoutMs }),
    ...(settings.writeSummary === undefined ? {} : { summary: settings.writeSummary }),
  })
  const queries = nulMatchesNothing(makePostgresPayloadQueries(store.sql, names))
  return Context.make(PayloadStore, payloadStore).pipe(
    Context.add(
      PayloadQueries,
      settings.reads === undefined
        ? queries
        : routedQueries(
            settings.reads,
            nulMatchesNothing(makePostgresPayloadQueries(settings.reads.sql, names)),
            queries,
          ),
    ),
    Context.add(StoreMaintenance, makeStoreMaintenance(store.sql, settings)),
    Context.add(PipelineRollup, makePipelineRollup(store.sql)),
    Context.add(StoreSchema, { pendingMigrations: schema }),
  )
})

/**
 * `/health` and `/ready` ping on a pool of one connection of their own: with every query-pool connection busy
 * (slow user queries) they still answer at once. Same statement and acquire timeouts as the query pool.
 */
export const healthClient = (config: PostgresConfig) =>
  Effect.gen(function* () {
    const services = yield* Effect.context<never>()
    const pool = yield* Effect.acquireRelease(
      Effect.sync(
        (): pg.Pool =>
          pgPool(config, {
            max: 1,
            onError: (e) =>
              Effect.runForkWith(services)(Effect.logWarning(`health connection lost: ${e.message}`)),
          }),
      ),
      (p) => Effect.promise(() => p.end().catch(() => undefined)),
    )
    return pgSqlClient(pool, config) satisfies Queryable
  })

/** The PostgreSQL store from an explicit configuration. */
export const postgresStoreLayer = (
  config: PostgresConfig,
): Layer.Layer<StoreServices | StatusFeed, StoreUnavailable> =>
  Layer.unwrap(
    Effect.gen(function* () {
      const store = yield* postgresOrm(config)
      const health = yield* healthClient(config)
      // Reads only: writes, migrations, the feed and the pings of /health and /ready stay on the primary.
      const replica = replicaConfig(config)
      const reads =
        replica === undefined
          ? undefined
          : yield* readRouter(store.sql, replica, replica.readReplica?.maxLagMs ?? 0)
      const services = Layer.effectContext(
        storeServices(store, {
          ...config,
          migrate: config.migrateOnStart,
          health,
          ...(reads === undefined ? {} : { reads }),
        }),
      )
      return Layer.merge(services, PgNotifyFeedLayer(store.sql, config))
    }),
  )

/**
 * PayloadStore + PayloadQueries + StatusFeed (LISTEN/NOTIFY) + StoreMaintenance + StoreSchema, configured from
 * the environment: DATABASE_URL, or Clowder's ACG_CONFIG, or DB_HOST/DB_PORT/DB_USER/DB_PASSWORD/DB_NAME;
 * DB_POOL_SIZE, DB_STATEMENT_TIMEOUT_MS, DB_WRITE_STATEMENT_TIMEOUT_MS, DB_POOL_ACQUIRE_TIMEOUT_MS,
 * DB_MIGRATE_ON_START, RETENTION_DAYS, PARTITIONS_AHEAD_DAYS; with DATABASE_READ_URL or DB_READ_HOST the
 * PayloadQueries reads go to that read replica (ReadReplica.ts, DB_READ_MAX_LAG_MS).
 */
export const PostgresStoreLayer: Layer.Layer<
  StoreServices | StatusFeed,
  StoreUnavailable | Config.ConfigError
> = Layer.unwrap(Effect.map(loadPostgresConfig(), postgresStoreLayer))
