import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import { Context, Effect, Schedule, type Scope } from "effect"
import type pg from "pg"
import { pgPool, pgSqlClient } from "./PgSqlClient.ts"
import {
  DEFAULT_POOL_ACQUIRE_TIMEOUT_MS,
  DEFAULT_STATEMENT_TIMEOUT_MS,
  type PostgresConfig,
} from "./PostgresConfig.ts"
import type { SqlClient } from "./SqlClient.ts"

/**
 * Reads on a hot standby (DATABASE_READ_URL / DB_READ_HOST). The PayloadQueries reads (lists, counts, host
 * summaries, analytics; not a payload's track, see routedQueries) go to the standby unless the last probe
 * found it unreachable or lagging more than DB_READ_MAX_LAG_MS; a read the standby cannot answer because it is
 * gone (connection refused, dropped, connect timeout, shutting down) or because replay cancelled it (a recovery
 * conflict) runs again on the primary at once. So an API with a replica answers as long
 * as the primary does; ReadRoutingObserver (the API's metrics) and the log say where the reads went and why.
 */

/** How often the standby's reachability and replay lag are measured. */
export const READ_PROBE_INTERVAL_MS = 1_000
/** What the standby's connections call themselves in its pg_stat_activity. */
export const READ_APPLICATION_NAME = "payload-tracker reads"

export type ReadTarget = "replica" | "primary"
/** Why a read went to the primary while a replica is configured. */
export type FallbackReason = "unreachable" | "lag" | "conflict"

export interface ReplicaState {
  /** The last probe (or read) reached the standby. */
  readonly up: boolean
  /** Replay lag at the last probe, seconds; undefined when it could not be measured. */
  readonly lagSeconds: number | undefined
}

export interface ReadRoutingObserverShape {
  /** A read ran on `target`; `reason` says why the replica was passed over. */
  readonly read: (target: ReadTarget, reason?: FallbackReason) => void
  /** The replica's state after each probe, and when a read found it gone. */
  readonly replica: (state: ReplicaState) => void
}

const noop = () => {}
/** The API installs its metrics here; by default nothing is recorded. */
export const ReadRoutingObserver = Context.Reference<ReadRoutingObserverShape>(
  "@pt/adapters-postgres/ReadRoutingObserver",
  { defaultValue: () => ({ read: noop, replica: noop }) },
)

/** The standby's connection settings: the primary's, with the parts DATABASE_READ_URL / DB_READ_* give replaced. */
export const replicaConfig = (config: PostgresConfig): PostgresConfig | undefined => {
  if (config.readReplica === undefined) return undefined
  const { maxLagMs: _, ...address } = config.readReplica
  return { ...config, ...address }
}

const CONNECTION_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  // admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down)
  "57P01",
  "57P02",
  "57P03",
])

/** Why a failed read on the standby should run on the primary instead, or undefined when it should not. */
export const fallbackReason = (cause: unknown): FallbackReason | undefined => {
  const error = cause as { code?: unknown; message?: unknown } | null
  const code = typeof error?.code === "string" ? error.code : ""
  const message = typeof error?.message === "string" ? error.message : ""
  // Replay needed rows or locks the query held (VACUUM or retention on the primary): the primary has no such conflict.
  if (/conflict with recovery/.test(message)) return "conflict"
  // Class 08 is PostgreSQL's connection exception; the texts are pg's when the socket closes or a connect times out.
  if (CONNECTION_ERRORS.has(code) || code.startsWith("08") || /^Connection terminated/.test(message))
    return "unreachable"
  // A statement timeout or a full pool is load, which the primary would not answer better; a bad query fails there too.
  return undefined
}

/**
 * The standby's replay lag, measured against the primary: 0 when the standby has replayed all WAL the primary
 * had flushed just before (an idle primary writes nothing, so the age of the last replayed transaction would
 * grow without any lag); else the age of the last replayed transaction. A server not in recovery is a primary
 * (DATABASE_READ_URL naming the primary itself): no lag.
 */
const LAG_SQL = `select pg_is_in_recovery() as standby,
  coalesce(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) as caught_up,
  extract(epoch from now() - pg_last_xact_replay_timestamp())::float8 as behind`

export interface ReadRouter {
  /** Runs `onReplica`, or `onPrimary` when the standby is down or lags, or when `onReplica` found it gone. */
  readonly route: <A>(
    onReplica: Effect.Effect<A, StoreUnavailable>,
    onPrimary: Effect.Effect<A, StoreUnavailable>,
  ) => Effect.Effect<A, StoreUnavailable>
  /** The standby's SqlClient (its own pool of DB_POOL_SIZE connections). */
  readonly sql: SqlClient["Service"]
  readonly state: () => ReplicaState
}

/**
 * The standby's pool, a probe connection of its own (so a busy pool does not delay the lag measurement) and the
 * probe fiber, all closed with the scope. The first probe runs before it returns: a process starts with the
 * standby's state known, and a standby that is down does not stop the start.
 */
export const readRouter = (
  primary: SqlClient["Service"],
  config: PostgresConfig,
  maxLagMs: number,
): Effect.Effect<ReadRouter, never, Scope.Scope> =>
  Effect.gen(function* () {
    const services = yield* Effect.context<never>()
    const observer = yield* ReadRoutingObserver
    const run = Effect.runForkWith(services)
    const open = (max: number, what: string) =>
      Effect.acquireRelease(
        Effect.sync(
          (): pg.Pool =>
            pgPool(config, {
              max,
              applicationName: READ_APPLICATION_NAME,
              onError: (e) => run(Effect.logWarning(`read replica ${what} connection lost: ${e.message}`)),
            }),
        ),
        (p) => Effect.promise(() => p.end().catch(() => undefined)),
      ).pipe(Effect.map((pool) => pgSqlClient(pool, config)))
    // A standby that stops answering on open connections (a network partition, a frozen host) sends no error:
    // the socket waits for TCP's own timeout, minutes. Past the pool wait plus the statement timeout, which any
    // answering server respects, a read or probe counts the standby unreachable.
    const silentAfterMs =
      (config.poolAcquireTimeoutMs ?? DEFAULT_POOL_ACQUIRE_TIMEOUT_MS) +
      (config.statementTimeoutMs || DEFAULT_STATEMENT_TIMEOUT_MS) +
      1_000
    const silent = `no answer within ${silentAfterMs} ms`
    const sql = yield* open(config.poolSize, "pool")
    const probeSql = yield* open(1, "probe")

    // Taken as reachable until the first probe (which runs before any read) says otherwise: a standby down at
    // start is then warned about like any outage.
    let state: ReplicaState = { up: true, lagSeconds: 0 }
    const lagging = (s: ReplicaState) =>
      maxLagMs > 0 && (s.lagSeconds === undefined || s.lagSeconds * 1000 > maxLagMs)
    // Transitions only are logged: a replica down for an hour is one warning, not one per read.
    const enter = (next: ReplicaState, why?: string) =>
      Effect.gen(function* () {
        const before = state
        state = next
        observer.replica(next)
        if (before.up && !next.up)
          yield* Effect.logWarning(`read replica unreachable, reads go to the primary: ${why ?? "no answer"}`)
        else if (!before.up && next.up) yield* Effect.logInfo("read replica reachable, reads go to it")
        if (next.up && !lagging(before) && lagging(next))
          yield* Effect.logWarning(
            `read replica lags ${next.lagSeconds?.toFixed(1) ?? "an unknown time"} s (DB_READ_MAX_LAG_MS=${maxLagMs}), reads go to the primary`,
          )
        else if (next.up && before.up && lagging(before) && !lagging(next))
          yield* Effect.logInfo("read replica caught up, reads go to it")
      })

    const probe = Effect.gen(function* () {
      const flushed = yield* primary
        .query<{ lsn: string }>("select pg_current_wal_flush_lsn()::text as lsn")
        .pipe(
          Effect.map((r) => r.rows[0]?.lsn ?? null),
          Effect.orElseSucceed(() => null),
        )
      const next = yield* probeSql
        .query<{ standby: boolean; caught_up: boolean; behind: number | null }>(LAG_SQL, [flushed])
        .pipe(
          Effect.map(({ rows: [row] }): ReplicaState => {
            if (row === undefined || !row.standby || row.caught_up) return { up: true, lagSeconds: 0 }
            return { up: true, lagSeconds: row.behind === null ? undefined : Math.max(0, row.behind) }
          }),
          Effect.catch((error) =>
            Effect.as(enter({ up: false, lagSeconds: undefined }, String(error.cause)), undefined),
          ),
        )
      if (next !== undefined) yield* enter(next)
    }).pipe(
      Effect.timeoutOrElse({
        duration: silentAfterMs,
        orElse: () => enter({ up: false, lagSeconds: undefined }, silent),
      }),
    )
    yield* probe
    yield* probe.pipe(Effect.repeat(Schedule.spaced(READ_PROBE_INTERVAL_MS)), Effect.forkScoped)

    const route = <A>(
      onReplica: Effect.Effect<A, StoreUnavailable>,
      onPrimary: Effect.Effect<A, StoreUnavailable>,
    ): Effect.Effect<A, StoreUnavailable> =>
      Effect.suspend(() => {
        const toPrimary = (reason: FallbackReason) =>
          Effect.suspend(() => {
            observer.read("primary", reason)
            return onPrimary
          })
        if (!state.up) return toPrimary("unreachable")
        if (lagging(state)) return toPrimary("lag")
        return onReplica.pipe(
          Effect.timeoutOrElse({
            duration: silentAfterMs,
            // As the socket's own timeout would say, so the fallback below takes it like any unreachable server.
            orElse: () =>
              Effect.fail(
                new StoreUnavailable({
                  message: silent,
                  cause: Object.assign(new Error(silent), { code: "ETIMEDOUT" }),
                }),
              ),
          }),
          Effect.tap(() => Effect.sync(() => observer.read("replica"))),
          Effect.catch((error) => {
            const reason = fallbackReason(error.cause)
            if (reason === undefined) return Effect.fail(error)
            return (
              reason === "unreachable"
                ? enter({ up: false, lagSeconds: undefined }, error.message)
                : Effect.void
            ).pipe(Effect.andThen(toPrimary(reason)))
          }),
        )
      })

    return { route, sql, state: () => state }
  })

/**
 * PayloadQueries that read through `router`: each method on the replica's queries, else the primary's. Except
 * a payload's track (`payloadHistory`): it answers the live view, which reads it when the feed (LISTEN on the
 * primary, notified at commit) announces a new status, before a standby has replayed that commit; on the replica
 * the new status would be missed until the next notification. It is also the cheapest read (by primary key), so
 * the primary keeps it and a status is visible in the track as soon as it is stored.
 */
export const routedQueries = (
  router: ReadRouter,
  replica: PayloadQueries["Service"],
  primary: PayloadQueries["Service"],
): PayloadQueries["Service"] =>
  PayloadQueries.of({
    listPayloads: (q) => router.route(replica.listPayloads(q), primary.listPayloads(q)),
    listStatuses: (q) => router.route(replica.listStatuses(q), primary.listStatuses(q)),
    payloadHistory: (id) => primary.payloadHistory(id),
    countStatuses: (since, statuses) =>
      router.route(replica.countStatuses(since, statuses), primary.countStatuses(since, statuses)),
    hostHistory: (q) => router.route(replica.hostHistory(q), primary.hostHistory(q)),
    pipelineAnalytics: (q) => router.route(replica.pipelineAnalytics(q), primary.pipelineAnalytics(q)),
    openByService: (at) => router.route(replica.openByService(at), primary.openByService(at)),
  })
