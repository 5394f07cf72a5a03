import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import type { PostgresConfig } from "@pt/adapters-postgres/PostgresConfig"
import { postgresStoreLayer } from "@pt/adapters-postgres/PostgresStore"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { statusIdentity } from "@pt/domain/StatusEvent"
import { Effect, Redacted } from "effect"

const run = promisify(execFile)
const script = fileURLToPath(new URL("../../../scripts/postgres.sh", import.meta.url))

/** A PostgreSQL cluster of the test file's own (its own directory and port), so stopping it disturbs nobody. */
export const ownPostgres = (dir: string) => {
  const sh = (...args: Array<string>) =>
    run("bash", [script, ...args], { env: { ...process.env, PT_PG_DIR: dir }, timeout: 300_000 }).then(
      (r) => r.stdout,
    )
  return {
    start: async () => /^DATABASE_URL=(.+)$/m.exec(await sh("start"))?.[1] ?? "",
    stop: async (wipe = false) => {
      await sh("stop", ...(wipe ? ["--wipe"] : []))
    },
  }
}

export const databaseUrlOf = (config: PostgresConfig) =>
  `postgres://${encodeURIComponent(config.user)}:${encodeURIComponent(Redacted.value(config.password))}@${config.host}:${config.port}/${config.database}`

/** Every stored status's identity (request, service, source, status, message, date) with its multiplicity. */
export const storedIdentities = (config: PostgresConfig) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const queries = yield* PayloadQueries
        const page = yield* queries.listStatuses({
          page: 0,
          pageSize: 10_000_000,
          sortBy: "date",
          sortDir: "asc",
          date: {},
          created_at: {},
        })
        const counts = new Map<string, number>()
        for (const s of page.data) {
          const key = statusIdentity(s)
          counts.set(key, (counts.get(key) ?? 0) + 1)
        }
        return { total: page.count, counts }
      }),
    ).pipe(Effect.provide(postgresStoreLayer({ ...config, migrateOnStart: false }))),
  )

/** How many status rows the store holds (a count query: cheap even for a million rows). */
export const storedCount = (config: PostgresConfig) =>
  Effect.runPromise(
    Effect.scoped(
      Effect.flatMap(PayloadQueries, (q) =>
        q.listStatuses({ page: 0, pageSize: 1, sortBy: "date", sortDir: "asc", date: {}, created_at: {} }),
      ),
    ).pipe(Effect.provide(postgresStoreLayer({ ...config, migrateOnStart: false }))),
  ).then((page) => page.count)
