import { makeMemoryStore } from "@pt/adapters-memory/MemoryPayloadStore"
import { MemoryStatusFeedLayer } from "@pt/adapters-memory/MemoryStatusFeed"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import { Context, Effect, Layer } from "effect"

/**
 * The memory store with an off switch: while `down`, every write fails with StoreUnavailable, as a stopped
 * database does. The stand-in for a PostgreSQL outage in adapter tests (the consumer's fault tests use a real one).
 */
export const flakyMemoryStore = () => {
  const state = { down: false, writes: 0, failedWrites: 0 }
  const layer = Layer.effectContext(
    Effect.map(makeMemoryStore, ({ store, queries }) => {
      const flaky = PayloadStore.of({
        record: (events) =>
          Effect.suspend(() => {
            if (state.down) {
              state.failedWrites++
              return Effect.fail(new StoreUnavailable({ message: "database is down (test)" }))
            }
            state.writes++
            return store.record(events)
          }),
        ping: Effect.suspend(() =>
          state.down ? Effect.fail(new StoreUnavailable({ message: "down" })) : Effect.void,
        ),
      })
      return Context.make(PayloadStore, flaky).pipe(Context.add(PayloadQueries, queries))
    }),
  ).pipe(Layer.merge(MemoryStatusFeedLayer))
  return { state, layer }
}
