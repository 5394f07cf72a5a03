import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import { Effect, Layer, Logger } from "effect"
import { describe, expect, it } from "vitest"
import { orUnavailable, STORE_UNAVAILABLE } from "../src/handlers/Common.ts"
import { MemoryStoreLayer } from "../src/Store.ts"
import { get, startApi } from "../testing/TestServer.ts"

// What PostgreSQL answers to a NUL in a text parameter: its text must never reach a client.
const PG_TEXT = 'listing payloads: invalid byte sequence for encoding "UTF8": 0x00'

const logged = async (effect: Effect.Effect<unknown, unknown>) => {
  const lines: Array<string> = []
  const capture = Logger.make((o) => {
    lines.push(Logger.formatJson.log(o))
  })
  const exit = await Effect.runPromiseExit(effect.pipe(Effect.provide(Logger.layer([capture]))))
  return { exit, lines }
}

describe("store errors at the API", () => {
  it("the 503 body is a fixed text; the store's detail goes to the log", async () => {
    const { exit, lines } = await logged(
      orUnavailable(Effect.fail(new StoreUnavailable({ message: PG_TEXT }))),
    )
    expect(JSON.stringify(exit)).toContain(STORE_UNAVAILABLE)
    expect(JSON.stringify(exit)).not.toContain("0x00")
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain("0x00")
  })

  it("the adapter's client message (a statement timeout) is the body", async () => {
    const clientMessage =
      "the query was cancelled after 5000 ms (DB_STATEMENT_TIMEOUT_MS); narrow the filters or the time window"
    const failing = Layer.merge(
      MemoryStoreLayer,
      Layer.succeed(PayloadQueries, {
        listPayloads: () =>
          Effect.fail(
            new StoreUnavailable({ message: "listing payloads: canceling statement", clientMessage }),
          ),
        listStatuses: () => Effect.fail(new StoreUnavailable({ message: PG_TEXT })),
        payloadHistory: () => Effect.fail(new StoreUnavailable({ message: PG_TEXT })),
        countStatuses: () => Effect.fail(new StoreUnavailable({ message: PG_TEXT })),
        hostHistory: () => Effect.fail(new StoreUnavailable({ message: PG_TEXT })),
        openByService: () => Effect.fail(new StoreUnavailable({ message: PG_TEXT })),
        pipelineAnalytics: () => Effect.fail(new StoreUnavailable({ message: PG_TEXT })),
      }),
    )
    const api = await startApi({ store: failing })
    try {
      const timedOut = await get(api.url, "/api/v1/payloads")
      expect([timedOut.status, timedOut.body]).toEqual([
        503,
        { title: "Service Unavailable", message: clientMessage, status: 503 },
      ])
      const failed = await get(api.url, "/api/v1/statuses")
      expect([failed.status, failed.text.includes("0x00")]).toEqual([503, false])
    } finally {
      await api.close()
    }
  })
})
