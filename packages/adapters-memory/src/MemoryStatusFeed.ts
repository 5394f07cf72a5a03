import { StatusFeed } from "@pt/domain/ports/StatusFeed"
import type { RequestId } from "@pt/domain/RequestId"
import { Effect, Layer, PubSub, Stream } from "effect"

/** In-process status feed: writers and readers share one process (embedded start, tests). */
export const MemoryStatusFeedLayer: Layer.Layer<StatusFeed> = Layer.effect(
  StatusFeed,
  Effect.gen(function* () {
    const hub = yield* PubSub.unbounded<RequestId>()
    return StatusFeed.of({
      publish: (events) =>
        PubSub.publishAll(hub, new Set(events.map((e) => e.request_id))).pipe(Effect.asVoid),
      subscribe: Stream.fromPubSub(hub),
    })
  }),
)
