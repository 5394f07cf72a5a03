import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import { microsFromMillis } from "@pt/domain/Timestamp"
import { Clock, Effect, Layer, Schedule } from "effect"
import { ConsumerMetrics } from "./Metrics.ts"

/**
 * The store as the consumer writes through it, with each batch's finished stages (RecordResult.finished, which
 * the store reports once per finish, never for a redelivery) counted into the stage metrics.
 */
export const ObservedStoreLayer = Layer.effect(
  PayloadStore,
  Effect.gen(function* () {
    const store = yield* PayloadStore
    const { stagesFinished } = yield* ConsumerMetrics
    return PayloadStore.of({
      ping: store.ping,
      record: (events) =>
        Effect.tap(store.record(events), (result) =>
          Effect.sync(() => {
            if (result.finished !== undefined) stagesFinished(result.finished)
          }),
        ),
    })
  }),
)

/** Recounts the open/stalled gauges from the store once. */
export const refreshOpenGauges = (options: { readonly stalledAfterMs: number }) =>
  Effect.gen(function* () {
    const queries = yield* PayloadQueries
    const { openByService } = yield* ConsumerMetrics
    const now = microsFromMillis(yield* Clock.currentTimeMillis)
    openByService(
      yield* queries.openByService({ now, stalledAfter: microsFromMillis(options.stalledAfterMs) }),
    )
  })

/**
 * The open/stalled gauges refreshed from the store every `intervalMs` (and once at start), by the consumer only:
 * the API may run more replicas and need not reach the whole store. A failed refresh keeps the last values and
 * is logged: the store being down is already reported by `/ready` and the write errors.
 */
export const OpenGaugesLayer = (options: { readonly intervalMs: number; readonly stalledAfterMs: number }) =>
  Layer.effectDiscard(
    refreshOpenGauges(options).pipe(
      Effect.catch((e) => Effect.logWarning("refreshing the open payload gauges failed", e)),
      Effect.repeat(Schedule.spaced(options.intervalMs)),
      Effect.forkScoped,
    ),
  )
