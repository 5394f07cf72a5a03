import { assert, describe, expect, it } from "@effect/vitest"
import { recordEvents } from "@pt/domain/Ingest"
import { freshId, statusEvent } from "@pt/domain/testing/Fixtures"
import { liveSubscriber, statusFeedSuite } from "@pt/domain/testing/StatusFeedSuite"
import { Effect, Layer } from "effect"
import { inject } from "vitest"
import { notifyChunks } from "../src/PgNotifyFeed.ts"
import { testStoreLayer } from "../testing/PostgresTestServer.ts"

describe("LISTEN/NOTIFY status feed", () => {
  it("chunks request ids under the NOTIFY payload limit", () => {
    const ids = Array.from({ length: 1000 }, freshId)
    const chunks = notifyChunks(ids)
    expect(chunks.every((c) => c.length < 8000)).toBe(true)
    expect(chunks.flatMap((c) => c.split(","))).toEqual(ids)
  })

  it.live("a reader learns the request ids of statuses stored by a writer", () =>
    Effect.gen(function* () {
      const ids = Array.from({ length: 600 }, freshId)
      const context = yield* Layer.build(testStoreLayer(inject("databaseUrl"), "feed"))
      const subscriber = yield* Effect.provideContext(liveSubscriber, context)
      yield* Effect.provideContext(
        recordEvents(ids.map((request_id) => statusEvent({ request_id }))),
        context,
      )
      assert.deepStrictEqual(new Set(yield* subscriber.take(ids.length)), new Set(ids))
    }),
  )
})

statusFeedSuite("postgres (LISTEN/NOTIFY)", testStoreLayer(inject("databaseUrl"), "feedcontract"))
