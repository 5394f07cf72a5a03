import type { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import { Clock, Context, Duration, Effect, Layer, Schedule } from "effect"
import { ensurePartitions, type PartitionReport, startOfDay } from "./Partitions.ts"
import { applyRetention, type RetentionReport } from "./Retention.ts"
import { type SqlClient, type StatementTimeout, withStatementTimeout } from "./SqlClient.ts"
import { orUnavailable } from "./StoreErrors.ts"

const DAY_MS = 86_400_000

export interface MaintenanceReport {
  readonly partitions: PartitionReport
  readonly retention: RetentionReport
}

/**
 * Creates daily partitions ahead and applies retention. The consumer runs it on a schedule and turns the report
 * into its metrics (payload_tracker_partitions_created, payload_tracker_retention_*).
 */
export class StoreMaintenance extends Context.Service<
  StoreMaintenance,
  { readonly run: Effect.Effect<MaintenanceReport, StoreUnavailable> }
>()("@pt/adapters-postgres/StoreMaintenance") {}

export interface MaintenanceSettings {
  readonly retentionDays: number
  readonly partitionsAheadDays: number
}

/**
 * Maintenance runs without a statement timeout: the user-read one (DB_STATEMENT_TIMEOUT_MS) would cancel a
 * retention delete of a large DEFAULT partition or a partition move half-way, and the next run would only
 * start over. Its work is bounded by chunks (retention) and by one day per transaction (partitions).
 */
export const MAINTENANCE_TIMEOUT: StatementTimeout = { ms: 0, setting: "maintenance (none)" }

/** The client maintenance runs on: every statement in a transaction with `SET LOCAL statement_timeout = 0`. */
export const maintenanceClient = (sql: SqlClient["Service"]): SqlClient["Service"] =>
  withStatementTimeout(sql, MAINTENANCE_TIMEOUT)

export const makeStoreMaintenance = (pooled: SqlClient["Service"], settings: MaintenanceSettings) => {
  const sql = maintenanceClient(pooled)
  return StoreMaintenance.of({
    run: Effect.gen(function* () {
      const now = yield* Clock.currentTimeMillis
      const today = startOfDay(now)
      // Partitions cover the retained days too, so late statuses of those days land in a daily partition.
      const partitions = yield* ensurePartitions(
        sql,
        today - settings.retentionDays * DAY_MS,
        today + settings.partitionsAheadDays * DAY_MS,
      ).pipe(orUnavailable("creating partitions"))
      const retention = yield* applyRetention(sql, now, settings.retentionDays).pipe(
        orUnavailable("applying retention"),
      )
      yield* Effect.logInfo("store maintenance").pipe(
        Effect.annotateLogs({
          partitions_created: partitions.created.join(",") || "none",
          statuses_moved_from_default: partitions.moved,
          retention_days: settings.retentionDays,
          kept_from: new Date(retention.keepFrom).toISOString(),
          partitions_dropped: retention.droppedPartitions.join(",") || "none",
          statuses_deleted: retention.deletedStatuses,
          payloads_deleted: retention.deletedPayloads,
        }),
      )
      return { partitions, retention }
    }).pipe(Effect.withSpan("StoreMaintenance.run")),
  })
}

/**
 * Runs maintenance now and then every `interval` (default 1 hour) for as long as the layer lives. A failed run
 * is logged and retried at the next tick: maintenance never stops the consumer.
 */
export const StoreMaintenanceSchedule = (
  interval: Duration.Input = Duration.hours(1),
): Layer.Layer<never, never, StoreMaintenance> =>
  Layer.effectDiscard(
    StoreMaintenance.use((m) =>
      m.run.pipe(
        Effect.catch((e) => Effect.logError("store maintenance failed", e)),
        Effect.repeat(Schedule.spaced(interval)),
        Effect.forkScoped,
      ),
    ),
  )
