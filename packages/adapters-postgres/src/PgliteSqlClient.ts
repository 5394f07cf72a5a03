import type { Transaction as PgliteTransaction } from "@electric-sql/pglite"
import { Effect } from "effect"
import { type Queryable, SqlClient, SqlError } from "./SqlClient.ts"

/** What the store needs of a PGlite instance (the one MikroORM opened). */
export interface PgliteDatabase {
  readonly query: PgliteTransaction["query"]
  readonly transaction: <T>(callback: (tx: PgliteTransaction) => Promise<T>) => Promise<T>
}

const on = (db: Pick<PgliteTransaction, "query">): Queryable => ({
  query: (text, params) =>
    Effect.tryPromise({
      try: () => db.query(text, params as Array<unknown>),
      catch: (cause) => new SqlError({ cause }),
    }).pipe(Effect.map((r) => ({ rows: r.rows as Array<never>, count: r.affectedRows ?? 0 }))),
})

/** Thrown inside PGlite's transaction callback so that PGlite rolls back (and rethrows it, ignored). */
const ROLLBACK = Symbol("rollback")

/**
 * The SqlClient over PGlite: one connection, no statement timeout. A transaction has to run inside PGlite's
 * `transaction` callback (which holds PGlite's lock, so no other statement interleaves): the scope's acquire
 * enters the callback and hands its `tx` out; `commit` returns from the callback, closing the scope without it
 * throws, and PGlite commits or rolls back.
 */
export const pgliteSqlClient = (db: PgliteDatabase): SqlClient["Service"] =>
  SqlClient.of({
    dialect: "pglite",
    ...on(db),
    transaction: () =>
      Effect.suspend(() => {
        let enter!: (tx: PgliteTransaction) => void
        const opened = new Promise<PgliteTransaction>((resolve) => {
          enter = resolve
        })
        let decide!: (outcome: "commit" | "rollback") => void
        const outcome = new Promise<"commit" | "rollback">((resolve) => {
          decide = resolve
        })
        // Settled as a value: a failed BEGIN must not become an unhandled rejection before anyone awaits it.
        const finished = db
          .transaction(async (tx) => {
            enter(tx)
            if ((await outcome) === "rollback") throw ROLLBACK
          })
          .then(
            () => ({ ok: true as const }),
            (cause: unknown) => ({ ok: false as const, cause }),
          )
        let committed = false
        return Effect.acquireRelease(
          Effect.tryPromise({
            try: () =>
              Promise.race([
                opened,
                finished.then((r) => Promise.reject(r.ok ? new Error("transaction ended") : r.cause)),
              ]),
            catch: (cause) => new SqlError({ cause }),
          }),
          () =>
            committed
              ? Effect.void
              : Effect.promise(() => {
                  decide("rollback")
                  return finished
                }),
        ).pipe(
          Effect.map((tx) => ({
            ...on(tx),
            commit: Effect.promise(() => {
              committed = true
              decide("commit")
              return finished
            }).pipe(
              Effect.flatMap((r) => (r.ok ? Effect.void : Effect.fail(new SqlError({ cause: r.cause })))),
            ),
          })),
        )
      }),
  })
