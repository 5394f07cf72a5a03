import type { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import { Clock, Context, Duration, Effect, Layer, Option, Schedule } from "effect"
import { ensurePartitions, type PartitionReport, startOfDay } from "./Partitions.ts"
import { applyRetention, type RetentionReport } from "./Retention.ts"
import { type SqlClient, type StatementTimeout, withStatementTimeout } from "./SqlClient.ts"
import { orUnavailable } from "./StoreErrors.ts"

const DAY_MS = 86_400_000

export interface MaintenanceReport {
  readonly partitions: PartitionReport
  readonly retention: RetentionReport
  /**
   * When (ms) this instance held the maintenance lock for the run: the runs of different instances never
   * overlap. Optional: reports made before the lock.
   */
  readonly held?: { readonly from: number; readonly until: number }
}

/** The round was skipped: another instance holds the maintenance lock (it is running maintenance right now). */
export interface MaintenanceSkipped {
  readonly skipped: "another instance holds the maintenance lock"
}

/** What one scheduled round did: a run's report, or that it skipped. */
export type MaintenanceOutcome = MaintenanceReport | MaintenanceSkipped

export const isSkipped = (outcome: MaintenanceOutcome): outcome is MaintenanceSkipped => "skipped" in outcome

/**
 * Creates daily partitions ahead and applies retention, on one instance at a time (the maintenance lock). The
 * consumer runs it on a schedule and turns the outcome into its metrics (payload_tracker_partitions_created,
 * payload_tracker_retention_*, payload_tracker_maintenance_runs).
 */
export class StoreMaintenance extends Context.Service<
  StoreMaintenance,
  { readonly run: Effect.Effect<MaintenanceOutcome, StoreUnavailable> }
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

/**
 * The advisory lock key of the maintenance leader (advisory keys are per database; beside the writers' cleanup
 * lock 7_260_001 and the partition DDL lock 7_260_002).
 */
export const MAINTENANCE_LOCK = 7_260_003

/**
 * Runs `work` only if this instance gets the maintenance lock, else returns None at once (the round is skipped,
 * not queued: the holder is doing the same work). The lock is `pg_try_advisory_xact_lock` in a transaction of
 * its own, held open on one pool connection while `work` runs its many short transactions on others, and
 * released by its COMMIT — or by the ROLLBACK when `work` fails or is interrupted, or by the connection's end
 * when the process dies. A transaction-level lock rather than a session one, because it also holds through a
 * transaction-mode pooler (PgBouncer), where a session lock stays on a server connection other clients get. The
 * idle transaction has no snapshot and no transaction id (READ COMMITTED, one SELECT), so it holds back no
 * vacuum. PGlite is one process's own database: no other instance can run against it, so no lock.
 */
export const asMaintenanceLeader = <A, E, R>(
  sql: SqlClient["Service"],
  work: Effect.Effect<A, E, R>,
): Effect.Effect<Option.Option<A>, E | StoreUnavailable, R> =>
  sql.dialect === "pglite"
    ? Effect.map(work, Option.some)
    : Effect.scoped(
        Effect.gen(function* () {
          const lock = yield* sql.transaction().pipe(orUnavailable("taking the maintenance lock"))
          const { rows } = yield* lock
            .query<{ locked: boolean }>("select pg_try_advisory_xact_lock($1) as locked", [MAINTENANCE_LOCK])
            .pipe(orUnavailable("taking the maintenance lock"))
          if (rows[0]?.locked !== true) return Option.none()
          const result = yield* work
          // Fails when the lock's connection was lost during the run (then the lock went with it): said so.
          yield* lock.commit.pipe(orUnavailable("releasing the maintenance lock"))
          return Option.some(result)
        }),
      )

/** One maintenance run's work, in order. A new job is one more step here and one more field of the report. */
const maintain = (sql: SqlClient["Service"], settings: MaintenanceSettings, now: number) =>
  Effect.gen(function* () {
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
    return { partitions, retention }
  })

export const makeStoreMaintenance = (pooled: SqlClient["Service"], settings: MaintenanceSettings) => {
  const sql = maintenanceClient(pooled)
  return StoreMaintenance.of({
    run: Effect.gen(function* () {
      const led = yield* asMaintenanceLeader(
        pooled,
        Effect.gen(function* () {
          const from = yield* Clock.currentTimeMillis
          const report = yield* maintain(sql, settings, from)
          const until = yield* Clock.currentTimeMillis
          return { ...report, held: { from, until } }
        }),
      )
      if (Option.isNone(led)) {
        const skipped: MaintenanceSkipped = { skipped: "another instance holds the maintenance lock" }
        yield* Effect.logDebug(`store maintenance skipped: ${skipped.skipped}`)
        return skipped
      }
      const { partitions, retention } = led.value
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
      return led.value
    }).pipe(Effect.withSpan("StoreMaintenance.run")),
  })
}

/**
 * Runs maintenance now and then every `interval` (default 1 hour) for as long as the layer lives, on every
 * instance: the lock makes one of them run it and the others skip that round. A failed run is logged and retried
 * at the next tick: maintenance never stops the consumer.
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
