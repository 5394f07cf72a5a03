import { recordEvents } from "@pt/domain/Ingest"
import { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { freshId, statusEvent } from "@pt/domain/testing/PayloadStoreSuite"
import { Context, Effect, Fiber, Layer, Stream } from "effect"
import { describe, expect, inject, it } from "vitest"
import { notifyChunks } from "../src/PgNotifyFeed.ts"
import { testStoreLayer } from "../testing/PostgresTestServer.ts"

describe("LISTEN/NOTIFY status feed", () => {
  it("chunks request ids under the NOTIFY payload limit", () => {
    const ids = Array.from({ length: 1000 }, freshId)
    const chunks = notifyChunks(ids)
    expect(chunks.every((c) => c.length < 8000)).toBe(true)
    expect(chunks.flatMap((c) => c.split(","))).toEqual(ids)
  })

  it("a reader learns the request ids of statuses stored by a writer", () =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const ids = Array.from({ length: 600 }, freshId)
          const context = yield* Layer.build(testStoreLayer(inject("databaseUrl"), "feed"))
          const feed = Context.get(context, StatusFeed)
          const subscriber = yield* feed.subscribe.pipe(
            Stream.take(ids.length),
            Stream.runCollect,
            Effect.forkScoped,
          )
          yield* Effect.sleep("500 millis") // LISTEN is issued when the feed's connection is up
          yield* Effect.provideContext(
            recordEvents(ids.map((request_id) => statusEvent({ request_id }))),
            context,
          )
          const received = yield* Fiber.join(subscriber).pipe(Effect.timeout("10 seconds"))
          expect(new Set(received)).toEqual(new Set(ids))
        }),
      ),
    ))
})
