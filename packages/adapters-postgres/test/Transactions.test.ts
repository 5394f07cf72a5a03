import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Deferred, Effect, Exit, Fiber, type Scope } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { pgliteOrm, postgresOrm } from "../src/MikroOrm.ts"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import { type SqlClient, withTransaction } from "../src/SqlClient.ts"
import { createTestDatabase, dropTestDatabase } from "../testing/PostgresTestServer.ts"

/**
 * The transaction contract of both SqlClient implementations: COMMIT when the body succeeds, ROLLBACK when it
 * fails or is interrupted, and the connection is usable afterwards (a pool of one connection: a leaked one
 * would make the next statement wait for the acquire timeout; PGlite's single connection would hang).
 */
const transactionSuite = (
  name: string,
  open: () => Effect.Effect<SqlClient["Service"], unknown, Scope.Scope>,
) =>
  describe(`SqlClient transactions (${name})`, () => {
    const withClient = <A>(body: (sql: SqlClient["Service"]) => Effect.Effect<A, unknown>) =>
      Effect.runPromise(
        Effect.scoped(
          Effect.gen(function* () {
            const sql = yield* open()
            yield* sql.query("create table if not exists tx_probe (n int not null)")
            return yield* body(sql)
          }),
        ),
      )
    const rows = (sql: SqlClient["Service"], n: number) =>
      sql
        .query<{ c: number }>("select count(*)::float8 as c from tx_probe where n = $1", [n])
        .pipe(Effect.map((r) => r.rows[0]?.c))
    const insert = (tx: { query: SqlClient["Service"]["query"] }, n: number) =>
      tx.query("insert into tx_probe (n) values ($1)", [n])

    it("commits when the body succeeds", () =>
      withClient((sql) =>
        Effect.gen(function* () {
          yield* withTransaction(sql, (tx) => insert(tx, 1))
          expect(yield* rows(sql, 1)).toBe(1)
        }),
      ))

    it("rolls back when the body fails, and the connection serves the next statement", () =>
      withClient((sql) =>
        Effect.gen(function* () {
          for (let i = 0; i < 3; i++) {
            const exit = yield* Effect.exit(
              withTransaction(sql, (tx) => insert(tx, 2).pipe(Effect.andThen(Effect.fail("boom" as const)))),
            )
            expect(exit).toEqual(Exit.fail("boom"))
          }
          // A failed statement aborts the transaction too; it is rolled back, not left open.
          const failed = yield* Effect.exit(
            withTransaction(sql, (tx) => insert(tx, 2).pipe(Effect.andThen(tx.query("select 1/0")))),
          )
          expect(Exit.isFailure(failed)).toBe(true)
          expect(yield* rows(sql, 2)).toBe(0)
        }),
      ))

    it("rolls back when interrupted, and the connection serves the next transaction", () =>
      withClient((sql) =>
        Effect.gen(function* () {
          const inside = yield* Deferred.make<void>()
          const fiber = yield* Effect.forkChild(
            withTransaction(sql, (tx) =>
              insert(tx, 3).pipe(
                Effect.andThen(Deferred.succeed(inside, undefined)),
                Effect.andThen(Effect.never),
              ),
            ),
          )
          yield* Deferred.await(inside)
          yield* Fiber.interrupt(fiber)
          expect(yield* rows(sql, 3)).toBe(0)
          yield* withTransaction(sql, (tx) => insert(tx, 4))
          expect(yield* rows(sql, 4)).toBe(1)
        }),
      ))
  })

const url = inject("databaseUrl")
let config: PostgresConfig
beforeAll(async () => {
  config = { ...(await createTestDatabase(url, "transactions")), poolSize: 1 }
})
afterAll(() => dropTestDatabase(url, config))
transactionSuite("PostgreSQL", () => Effect.map(postgresOrm(config), (s) => s.sql))

describe("SqlClient transactions (PostgreSQL connection lost)", () => {
  // Regression: the consumer crashed ("Unhandled 'error' event") when PostgreSQL stopped while a batch's
  // transaction held a connection: a checked-out pg client has no error listener of the pool's.
  it("a connection dropped while a transaction holds it fails that transaction, never the process", () =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const { sql } = yield* postgresOrm(config)
          const held = yield* Deferred.make<number>()
          const dropped = yield* Deferred.make<void>()
          const fiber = yield* Effect.forkChild(
            withTransaction(sql, (tx) =>
              tx.query<{ pid: number }>("select pg_backend_pid() as pid").pipe(
                Effect.flatMap((r) => Deferred.succeed(held, r.rows[0]!.pid)),
                // The connection sits idle in the transaction while the server drops it.
                Effect.andThen(Deferred.await(dropped)),
                Effect.andThen(tx.query("select 1")),
              ),
            ),
          )
          const pid = yield* Deferred.await(held)
          yield* Effect.promise(async () => {
            const admin = new pg.Client({ connectionString: url })
            await admin.connect()
            try {
              await admin.query("select pg_terminate_backend($1)", [pid])
              // Until the server process is gone (its socket closed): the client then sees the drop idle.
              for (;;) {
                const r = await admin.query("select 1 from pg_stat_activity where pid = $1", [pid])
                if (r.rows.length === 0) break
                await new Promise((resolve) => setTimeout(resolve, 20))
              }
              await admin.query("select pg_sleep(0.05)")
            } finally {
              await admin.end()
            }
          })
          yield* Deferred.succeed(dropped, undefined)
          const exit = yield* Fiber.await(fiber)
          expect(Exit.isFailure(exit)).toBe(true)
          // The dropped connection was destroyed, not returned: the pool of one serves the next statement.
          const r = yield* sql.query<{ ok: number }>("select 1 as ok")
          expect(r.rows[0]?.ok).toBe(1)
        }),
      ),
    ))
})

const dataDir = mkdtempSync(join(tmpdir(), "pt-pglite-tx-"))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))
transactionSuite("PGlite", () => Effect.map(pgliteOrm(dataDir), (s) => s.sql))
