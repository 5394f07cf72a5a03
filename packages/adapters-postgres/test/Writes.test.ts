import type { StatusEvent } from "@pt/domain/StatusEvent"
import { freshId, freshName, statusEvent } from "@pt/domain/testing/Fixtures"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import { createTestDatabase, dropTestDatabase } from "../testing/PostgresTestServer.ts"
import { openStore } from "../testing/StoreHarness.ts"

const url = inject("databaseUrl")
let config: PostgresConfig
beforeAll(async () => {
  config = await createTestDatabase(url, "writes")
})
afterAll(() => dropTestDatabase(url, config))

describe("PostgreSQL write path", () => {
  it("two writers (two pools, like two consumers) on the same new names and payloads never fail", () =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const a = yield* openStore(config)
          const b = yield* openStore(config, { migrate: false })
          const ids = Array.from({ length: 200 }, freshId)
          const services = Array.from({ length: 5 }, () => freshName("svc"))
          const batch = (seed: number): Array<StatusEvent> =>
            ids.flatMap((id, i) =>
              services.map((service, j) =>
                statusEvent({
                  request_id: id,
                  service,
                  source: `${service}-src`,
                  status: j % 2 ? "success" : "received",
                  account: `acct-${(i + seed) % 7}`,
                  date: 1_795_000_000_000_000 + i * 1000 + j,
                }),
              ),
            )
          // Each writer sends the rows in a different order; both write everything in 4 rounds.
          const rounds = Array.from({ length: 4 }, (_, r) => [
            a.store.record(batch(r)),
            b.store.record(batch(r + 1).reverse()),
          ]).flat()
          const results = yield* Effect.all(rounds, { concurrency: "unbounded" })
          const inserted = results.reduce((n, r) => n + r.inserted, 0)
          expect(inserted).toBe(ids.length * services.length)
          const page = yield* a.queries.listStatuses({
            service: services[0]!,
            date: {},
            created_at: {},
            sortBy: "date",
            sortDir: "asc",
            page: 0,
            pageSize: 1000,
          })
          expect(page.count).toBe(ids.length)
          // Unfiltered lists answer `count` from the totals the write path keeps: exact with two writers.
          const real = yield* Effect.promise(() =>
            a.pg.query<{ payloads: number; statuses: number }>(
              `select (select count(*) from payloads)::float8 as payloads,
                 (select count(*) from payload_statuses)::float8 as statuses`,
            ),
          )
          const all = { created_at: {}, page: 0, pageSize: 1 } as const
          const payloads = yield* a.queries.listPayloads({ ...all, sortBy: "created_at", sortDir: "desc" })
          const statuses = yield* b.queries.listStatuses({
            ...all,
            date: {},
            sortBy: "date",
            sortDir: "desc",
          })
          expect([payloads.count, statuses.count]).toEqual([real.rows[0]!.payloads, real.rows[0]!.statuses])
        }),
      ),
    ))

  it("NUL characters never fail a batch (stripped) and 1 MB messages are stored whole", () =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const { store, queries } = yield* openStore(config, { migrate: false })
          const id = freshId()
          const big = `${"é".repeat(500_000)}\u0000end`
          const result = yield* store.record([
            statusEvent({
              request_id: id,
              service: "nul\u0000svc",
              status_msg: "a\u0000b",
              account: "\u0000acct",
            }),
            statusEvent({ request_id: id, status: "error", source: "src\u0000", status_msg: big }),
          ])
          expect(result).toMatchObject({ inserted: 2, duplicates: 0 })
          const h = (yield* queries.payloadHistory(id))!
          expect(h.payload.account).toBe("acct")
          expect(h.statuses.map((s) => s.service).sort()).toEqual(["ingress", "nulsvc"])
          const error = h.statuses.find((s) => s.status === "error")!
          expect(error.source).toBe("src")
          expect(error.status_msg.length).toBe(500_003)
          // Redelivery of the stripped forms is a duplicate.
          const again = yield* store.record([
            statusEvent({ request_id: id, service: "nulsvc", status_msg: "ab" }),
          ])
          expect(again).toMatchObject({ inserted: 0, duplicates: 1 })
        }),
      ),
    ))

  it("a database that cannot be reached is StoreUnavailable, not a crash or an empty answer", async () => {
    const exit = await Effect.runPromiseExit(
      Effect.scoped(openStore({ ...config, port: 1, database: "nowhere" }, { migrate: true })),
    )
    expect(exit._tag).toBe("Failure")
    expect(JSON.stringify(exit)).toContain("StoreUnavailable")
  })
})
