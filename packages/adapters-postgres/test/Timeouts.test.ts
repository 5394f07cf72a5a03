import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import type { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import type { RequestId } from "@pt/domain/RequestId"
import { Micros } from "@pt/domain/Timestamp"
import { freshId, statusEvent } from "@pt/domain/testing/Fixtures"
import { ConfigProvider, Context, Effect, Exit } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { makeLookupNames } from "../src/LookupNames.ts"
import { postgresOrm } from "../src/MikroOrm.ts"
import { loadPostgresConfig, type PostgresConfig } from "../src/PostgresConfig.ts"
import { makePostgresPayloadQueries } from "../src/PostgresPayloadQueries.ts"
import { healthClient, StoreSchema, storeServices } from "../src/PostgresStore.ts"
import { type SqlClient, type SqlError, withTransaction } from "../src/SqlClient.ts"
import { orUnavailable } from "../src/StoreErrors.ts"
import { maintenanceClient } from "../src/StoreMaintenance.ts"
import { createTestDatabase, dropTestDatabase } from "../testing/PostgresTestServer.ts"

/** A statement as a store method runs it: its failure mapped once to StoreUnavailable. */
const tryQuery = <A>(what: string, run: () => Effect.Effect<A, SqlError>) =>
  orUnavailable(what)(Effect.suspend(run))

const STATEMENT_TIMEOUT_MS = 3_000
const ACQUIRE_TIMEOUT_MS = 300

/** The store as postgresStoreLayer builds it (query pool + health pool), with the raw client at hand. */
const openStore = (config: PostgresConfig) =>
  Effect.gen(function* () {
    const store = yield* postgresOrm(config)
    const health = yield* healthClient(config)
    const context = yield* storeServices(store, { ...config, migrate: true, health })
    return { sql: store.sql, context }
  })

const failure = <A>(exit: Exit.Exit<A, StoreUnavailable>): StoreUnavailable => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const error = exit.cause.reasons.find((r) => r._tag === "Fail")
  if (error === undefined || error._tag !== "Fail") throw new Error(`expected a typed failure: ${exit.cause}`)
  return error.error
}

describe("timeout settings", () => {
  const load = (env: Record<string, string>) =>
    Effect.runPromise(
      Effect.provide(loadPostgresConfig(), ConfigProvider.layer(ConfigProvider.fromEnvRecord(env))),
    )
  it("DB_STATEMENT_TIMEOUT_MS, DB_WRITE_STATEMENT_TIMEOUT_MS, DB_POOL_ACQUIRE_TIMEOUT_MS, with defaults", async () => {
    const d = await load({})
    expect([d.statementTimeoutMs, d.writeStatementTimeoutMs, d.poolAcquireTimeoutMs]).toEqual([
      5_000, 60_000, 3_000,
    ])
    const c = await load({
      DB_STATEMENT_TIMEOUT_MS: "250",
      DB_WRITE_STATEMENT_TIMEOUT_MS: "0",
      DB_POOL_ACQUIRE_TIMEOUT_MS: "100",
    })
    expect([c.statementTimeoutMs, c.writeStatementTimeoutMs, c.poolAcquireTimeoutMs]).toEqual([250, 0, 100])
  })
})

describe("statement timeout, pool acquire timeout, health connection", () => {
  let config: PostgresConfig
  const url = inject("databaseUrl")
  beforeAll(async () => {
    const base = await createTestDatabase(url, "timeouts")
    config = {
      ...base,
      poolSize: 2,
      statementTimeoutMs: STATEMENT_TIMEOUT_MS,
      poolAcquireTimeoutMs: ACQUIRE_TIMEOUT_MS,
    }
  })
  afterAll(() => dropTestDatabase(url, config))

  type Store = Effect.Success<ReturnType<typeof openStore>>
  const withStore = <A, E>(body: (s: Store) => Effect.Effect<A, E>) =>
    Effect.runPromise(Effect.scoped(Effect.flatMap(openStore(config), body)))

  it("every statement of the query pool runs under DB_STATEMENT_TIMEOUT_MS; writes and maintenance under their own", () =>
    withStore(({ sql }) =>
      Effect.promise(async () => {
        const show = async (client: SqlClient["Service"]) =>
          (await Effect.runPromise(client.query<{ statement_timeout: string }>("show statement_timeout")))
            .rows[0]?.statement_timeout
        expect(await show(sql)).toBe("3s")
        expect(await show(maintenanceClient(sql))).toBe("0")
        const inWrite = await Effect.runPromise(
          withTransaction(sql, (tx) => tx.query<{ statement_timeout: string }>("show statement_timeout"), {
            statementTimeout: { ms: 60_000, setting: "DB_WRITE_STATEMENT_TIMEOUT_MS" },
          }),
        )
        expect(inWrite.rows[0]?.statement_timeout).toBe("1min")
        // SET LOCAL ends with its transaction: the connection goes back to the pool with the session's timeout.
        expect(await show(sql)).toBe("3s")
      }),
    ))

  it("a statement cancelled by the timeout is a StoreUnavailable saying what happened, without PostgreSQL's text", () =>
    withStore(({ sql }) =>
      Effect.gen(function* () {
        const e = failure(
          yield* Effect.exit(tryQuery("listing statuses", () => sql.query("select pg_sleep(30)"))),
        )
        expect(e.clientMessage).toBe(
          `the query was cancelled after ${STATEMENT_TIMEOUT_MS} ms (DB_STATEMENT_TIMEOUT_MS); narrow the filters or the time window`,
        )
        expect(e.clientMessage).not.toMatch(/canceling statement/)
        expect(e.message).toMatch(/^listing statuses: /) // the detail, for the log
      }),
    ))

  it("with every pool connection busy, /health's ping still answers, a user query fails fast, the slow ones are cancelled", () =>
    withStore(({ sql, context }) =>
      Effect.promise(async () => {
        const store = Context.get(context, PayloadStore)
        const schema = Context.get(context, StoreSchema)
        const settled: Array<string> = []
        const slow = Array.from({ length: config.poolSize }, (_, i) =>
          Effect.runPromiseExit(tryQuery("slow", () => sql.query("select pg_sleep(30)"))).then((exit) => {
            settled.push(`slow ${i}`)
            return exit
          }),
        )
        // Every pool connection is taken once the server runs all the sleeps.
        const admin = new pg.Client({ connectionString: url })
        await admin.connect()
        try {
          for (;;) {
            const r = await admin.query<{ n: number }>(
              `select count(*)::int as n from pg_stat_activity
               where datname = $1 and state = 'active' and query = 'select pg_sleep(30)'`,
              [config.database],
            )
            if ((r.rows[0]?.n ?? 0) >= config.poolSize) break
            await new Promise((resolve) => setTimeout(resolve, 50))
          }
        } finally {
          await admin.end()
        }
        const ping = await Effect.runPromiseExit(store.ping)
        settled.push("ping")
        const ready = await Effect.runPromiseExit(schema.pendingMigrations)
        settled.push("ready")
        const user = await Effect.runPromiseExit(tryQuery("listing payloads", () => sql.query("select 1")))
        settled.push("user query")
        const slowExits = await Promise.all(slow)

        expect(Exit.isSuccess(ping)).toBe(true)
        expect(ready).toEqual(Exit.succeed([]))
        expect(failure(user).clientMessage).toBe(
          `the database is busy: no connection became free within ${ACQUIRE_TIMEOUT_MS} ms (DB_POOL_ACQUIRE_TIMEOUT_MS); try again shortly`,
        )
        // Outcome order, not timing: the probes and the user query were answered while the slow ones still ran.
        expect(settled.slice(0, 3)).toEqual(["ping", "ready", "user query"])
        for (const exit of slowExits) expect(failure(exit).clientMessage).toMatch(/cancelled after 3000 ms/)
      }),
    ))

  it("a filter holding NUL matches nothing instead of failing the query", () =>
    withStore(({ sql, context }) =>
      Effect.gen(function* () {
        const queries = Context.get(context, PayloadQueries)
        const request_id = freshId()
        yield* Context.get(context, PayloadStore).record([statusEvent({ request_id, account: "acct" })])
        const none = { count: 0, data: [] }
        const base = { page: 0, pageSize: 10, created_at: {}, sortDir: "desc" } as const
        expect(yield* queries.listPayloads({ ...base, account: "\u0000", sortBy: "created_at" })).toEqual(
          none,
        )
        expect(yield* queries.listPayloads({ ...base, account: "acct\u0000", sortBy: "created_at" })).toEqual(
          none,
        )
        expect(
          yield* queries.listStatuses({ ...base, date: {}, status_msg: "a\u0000b", sortBy: "date" }),
        ).toEqual(none)
        expect(yield* queries.payloadHistory(`${request_id.slice(1)}\u0000` as RequestId)).toBeUndefined()
        expect(yield* queries.countStatuses(Micros.make(0), ["\u0000"])).toEqual([])
        // The same filter sent to PostgreSQL fails; its text stays in `message` (the log), never `clientMessage`.
        const raw = makePostgresPayloadQueries(sql, makeLookupNames(sql))
        const e = failure(
          yield* Effect.exit(raw.listPayloads({ ...base, account: "\u0000", sortBy: "created_at" })),
        )
        expect(e.message).toMatch(/0x00/)
        expect(e.clientMessage).toBeUndefined()
      }),
    ))
})
