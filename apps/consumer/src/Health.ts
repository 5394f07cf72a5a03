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
 * Liveness and readiness from what the consumer reports (kafkajs instrumentation events and the batch handler).
 *
 * Ready (`/ready` 200) when all of these hold, else 503 with every failing one in `reasons`:
 * - in the group: a GROUP_JOIN since the last DISCONNECT, STOP or CRASH (a crash kafkajs restarts from is not
 *   ready until it has joined again);
 * - not crashed for good (a CRASH kafkajs does not restart from);
 * - the broker answers: a FETCH (answered fetch, empty or not), HEARTBEAT, GROUP_JOIN or committed batch less than
 *   `brokerSilenceMs` ago, and no REQUEST_TIMEOUT since the last of them. While the broker is down kafkajs retries
 *   for about a minute without any event, so this silence is what makes an outage visible;
 * - the store answers its ping and no dependency (store, dead-letter topic) is being retried.
 *
 * Live (`/live`): not crashed for good and heartbeating (a consumer stuck without heartbeats for `stuckAfterMs`
 * is better restarted). A store or broker outage makes it unready, never dead: restarting would not help.
 */
export class ConsumerHealth extends Context.Service<
  ConsumerHealth,
  { readonly report: Effect.Effect<HealthReport> }
>()("@pt/consumer/ConsumerHealth") {}

export const ConsumerHealthLayer = (options: {
  readonly stuckAfterMs: number
  readonly pingEveryMs: number
  readonly brokerSilenceMs: number
}) =>
  Layer.effectContext(
    Effect.gen(function* () {
      const metrics = yield* ConsumerMetrics
      const store = yield* PayloadStore
      const started = yield* Clock.currentTimeMillis
      const state = {
        inGroup: false,
        crashed: false,
        storePingOk: true,
        failing: new Set<string>(),
        lastBeat: started,
        batches: 0,
        /** Last time the broker answered this consumer (fetch, heartbeat, join, commit). */
        lastContact: started,
        /** Last REQUEST_TIMEOUT (0: none); it counts until the broker answers again. */
        lastTimeout: 0,
      }
      const beat = () => {
        state.lastBeat = Date.now()
      }
      const contact = () => {
        state.lastContact = Date.now()
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
          // The batch's offsets were committed: the group coordinator answered.
          contact()
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
          // About two a second: only the broker-contact time, and no liveness beat (/live keeps its meaning).
          if (kind === "fetch") return contact()
          if (kind === "heartbeat" || kind === "group_join") contact()
          if (kind === "request_error") state.lastTimeout = Date.now()
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
        const sinceContactMs = now - state.lastContact
        const storeOk = state.storePingOk && !state.failing.has("store")
        const reasons: Array<string> = []
        if (state.crashed) reasons.push("consumer crashed and kafkajs gave up restarting it")
        else if (!state.inGroup)
          reasons.push("not in the consumer group (joining, rebalancing or restarting)")
        if (!state.crashed && sinceContactMs >= options.brokerSilenceMs)
          reasons.push(`no answer from the broker for ${sinceContactMs} ms (no fetch, heartbeat or commit)`)
        else if (state.lastTimeout >= state.lastContact && state.lastTimeout > 0)
          reasons.push("a request to the broker timed out; no answer since")
        if (!storeOk) reasons.push("store not answering")
        for (const dependency of state.failing) reasons.push(`retrying a batch: ${dependency} unavailable`)
        return {
          live: !state.crashed && (!state.inGroup || silentMs < options.stuckAfterMs),
          ready: reasons.length === 0,
          detail: {
            ...(reasons.length > 0 ? { reason: reasons.join("; "), reasons } : {}),
            in_group: state.inGroup,
            store_ok: storeOk,
            retrying: [...state.failing],
            crashed: state.crashed,
            batches: state.batches,
            ms_since_heartbeat: silentMs,
            ms_since_broker_contact: sinceContactMs,
          },
        }
      })
      return Context.make(ConsumerHealth, ConsumerHealth.of({ report })).pipe(
        Context.add(SourceObserver, observer),
      )
    }),
  )
