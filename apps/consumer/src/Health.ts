import { SourceObserver, type SourceObserverShape } from "@pt/adapters-kafka/SourceObserver"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import { Clock, Context, Effect, Layer, Schedule } from "effect"
import { ConsumerMetrics } from "./Metrics.ts"

export interface HealthReport {
  readonly live: boolean
  readonly ready: boolean
  readonly detail: Record<string, unknown>
}

/**
 * Liveness and readiness from what the consumer reports. Ready: in the group, the store answering and no
 * dependency being retried. Live: not crashed for good and heartbeating (a consumer stuck without heartbeats
 * for `stuckAfterMs` is better restarted). A store outage makes it unready, never dead: restarting would not help.
 */
export class ConsumerHealth extends Context.Service<
  ConsumerHealth,
  { readonly report: Effect.Effect<HealthReport> }
>()("@pt/consumer/ConsumerHealth") {}

export const ConsumerHealthLayer = (options: {
  readonly stuckAfterMs: number
  readonly pingEveryMs: number
}) =>
  Layer.effectContext(
    Effect.gen(function* () {
      const metrics = yield* ConsumerMetrics
      const store = yield* PayloadStore
      const state = {
        inGroup: false,
        crashed: false,
        storePingOk: true,
        failing: new Set<string>(),
        lastBeat: yield* Clock.currentTimeMillis,
        batches: 0,
      }
      const beat = () => {
        state.lastBeat = Date.now()
      }

      // Between batches nothing writes: ping the store so readiness also reflects an idle outage.
      yield* store.ping.pipe(
        Effect.match({
          onFailure: () => {
            state.storePingOk = false
          },
          onSuccess: () => {
            state.storePingOk = true
          },
        }),
        Effect.repeat(Schedule.spaced(options.pingEveryMs)),
        Effect.forkScoped,
      )

      const observer: SourceObserverShape = {
        batchFetched: metrics.observer.batchFetched,
        batchDone: (report) => {
          state.batches++
          beat()
          metrics.observer.batchDone(report)
        },
        dependencyFailed: (dependency, error, attempt, retryInMs) => {
          state.failing.add(dependency)
          beat()
          metrics.observer.dependencyFailed(dependency, error, attempt, retryInMs)
        },
        dependencyRecovered: (dependency) => {
          state.failing.delete(dependency)
          if (dependency === "store") state.storePingOk = true
        },
        consumerEvent: (kind, detail) => {
          if (kind === "group_join") state.inGroup = true
          if (kind === "stop" || kind === "disconnect") state.inGroup = false
          if (kind === "crash") {
            state.inGroup = false
            if ((detail as { restart?: boolean } | undefined)?.restart === false) state.crashed = true
          }
          if (kind === "crash" || kind === "request_error") metrics.observer.consumerError()
          beat()
        },
      }

      const report = Effect.map(Clock.currentTimeMillis, (now): HealthReport => {
        const silentMs = now - state.lastBeat
        const ready = state.inGroup && state.storePingOk && state.failing.size === 0
        return {
          live: !state.crashed && (!state.inGroup || silentMs < options.stuckAfterMs),
          ready,
          detail: {
            in_group: state.inGroup,
            store_ok: state.storePingOk && !state.failing.has("store"),
            retrying: [...state.failing],
            crashed: state.crashed,
            batches: state.batches,
            ms_since_heartbeat: silentMs,
          },
        }
      })
      return Context.make(ConsumerHealth, ConsumerHealth.of({ report })).pipe(
        Context.add(SourceObserver, observer),
      )
    }),
  )
