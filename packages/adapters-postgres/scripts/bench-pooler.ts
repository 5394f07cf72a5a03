/**
 * What DB_POOLER=transaction costs: the track read (PayloadQueries.payloadHistory, the two named prepared
 * statements) and batch writes (PayloadStore.record) on three clients of one database, in interleaved rounds:
 *   direct     straight to PostgreSQL, startup parameters and named prepared statements (the default)
 *   unnamed    straight to PostgreSQL with DB_POOLER=transaction: the client's own cost (unnamed statements,
 *              `begin; set local …` around every read)
 *   pgbouncer  DB_POOLER=transaction through PgBouncer (scripts/pgbouncer.sh, transaction pooling)
 * Prints each round's rates and the median per client; saves JSON under bench-results/.
 * Env: DATABASE_URL (else scripts/postgres.sh starts one), BENCH_ROUNDS (3), BENCH_READS (2000 per round),
 * BENCH_WRITES (20 batches of 500 per round), BENCH_CONCURRENCY (4).
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { cpus, tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { RequestId } from "@pt/domain/RequestId"
import type { StatusEvent } from "@pt/domain/StatusEvent"
import { Effect, Redacted } from "effect"
import { makeLookupNames } from "../src/LookupNames.ts"
import { ensurePartitions, startOfDay } from "../src/Partitions.ts"
import { pgPool, pgSqlClient } from "../src/PgSqlClient.ts"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import { makePostgresPayloadQueries } from "../src/PostgresPayloadQueries.ts"
import { makePostgresPayloadStore } from "../src/PostgresPayloadStore.ts"
import { createTestDatabase, dropTestDatabase, resolveDatabaseUrl } from "../testing/PostgresTestServer.ts"
import { openStore } from "../testing/StoreHarness.ts"
import { payloadEvents } from "./PipelineMix.ts"

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const READS = Number(process.env.BENCH_READS ?? 2_000)
const WRITES = Number(process.env.BENCH_WRITES ?? 20)
const BATCH = 500
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 4)
const SEED_PAYLOADS = 5_000
const DAY = 86_400_000
const log = (text: string) => process.stdout.write(`[bench:pooler] ${text}\n`)
const script = fileURLToPath(new URL("../../../scripts/pgbouncer.sh", import.meta.url))

const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const main = async () => {
  const url = resolveDatabaseUrl()
  const config: PostgresConfig = { ...(await createTestDatabase(url, "bench_pooler")), poolSize: CONCURRENCY }
  const bouncerDir = mkdtempSync(join(tmpdir(), "pt-bench-pgbouncer-"))
  const bouncer = (...args: Array<string>) =>
    execFileSync("bash", [script, ...args], {
      env: { ...process.env, PT_PGB_DIR: bouncerDir, DATABASE_URL: url },
      encoding: "utf8",
    })
  const bouncerUrl = new URL(/^PGBOUNCER_URL=(.+)$/m.exec(bouncer("start"))![1]!)
  const start = (Date.now() - 3_600_000) * 1000
  let next = 0
  const events = (payloads: number): Array<StatusEvent> =>
    Array.from({ length: payloads }, () => payloadEvents(next++, start + next * 20_000)).flat()
  try {
    return await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const seeded = yield* openStore(config)
          const today = startOfDay(Date.now())
          yield* ensurePartitions(seeded.sql, today - 2 * DAY, today + 3 * DAY)
          const seed = events(SEED_PAYLOADS)
          for (let i = 0; i < seed.length; i += 2_000) yield* seeded.store.record(seed.slice(i, i + 2_000))
          const ids = [...new Set(seed.map((e) => e.request_id))] as Array<RequestId>
          log(
            `database ${config.database}: ${seed.length.toLocaleString()} statuses of ${ids.length} payloads`,
          )

          const clientOf = (c: PostgresConfig) =>
            Effect.acquireRelease(
              Effect.sync(() => pgPool(c, { max: CONCURRENCY, onError: () => undefined })),
              (pool) => Effect.promise(() => pool.end()),
            ).pipe(
              Effect.map((pool) => {
                const sql = pgSqlClient(pool, c)
                const names = makeLookupNames(sql)
                return {
                  queries: makePostgresPayloadQueries(sql, names),
                  store: makePostgresPayloadStore(sql, names),
                }
              }),
            )
          const clients = {
            direct: yield* clientOf(config),
            unnamed: yield* clientOf({ ...config, pooler: "transaction" }),
            pgbouncer: yield* clientOf({
              ...config,
              host: bouncerUrl.hostname,
              port: Number(bouncerUrl.port),
              password: Redacted.make(decodeURIComponent(bouncerUrl.password)),
              pooler: "transaction",
            }),
          }
          type Name = keyof typeof clients
          const results: Record<Name, { reads: Array<number>; writes: Array<number> }> = {
            direct: { reads: [], writes: [] },
            unnamed: { reads: [], writes: [] },
            pgbouncer: { reads: [], writes: [] },
          }
          for (let round = 1; round <= ROUNDS; round++) {
            // Rotated order each round, so no client always runs first (warm caches) or last.
            const order = (Object.keys(clients) as Array<Name>).map(
              (_, i, all) => all[(i + round) % all.length]!,
            )
            for (const name of order) {
              const { queries, store } = clients[name]
              let t = performance.now()
              yield* Effect.forEach(
                Array.from({ length: READS }, (_, i) => ids[(i * 7919 + round) % ids.length]!),
                (id) => queries.payloadHistory(id),
                { concurrency: CONCURRENCY, discard: true },
              )
              const reads = READS / ((performance.now() - t) / 1000)
              const batches = Array.from({ length: WRITES }, () =>
                events(Math.ceil(BATCH / 6)).slice(0, BATCH),
              )
              t = performance.now()
              yield* Effect.forEach(batches, (batch) => store.record(batch), {
                concurrency: 2,
                discard: true,
              })
              const writes = (WRITES * BATCH) / ((performance.now() - t) / 1000)
              results[name].reads.push(reads)
              results[name].writes.push(writes)
              log(
                `round ${round} ${name.padEnd(9)} track reads ${reads.toFixed(0).padStart(6)}/s  writes ${writes.toFixed(0).padStart(6)} statuses/s`,
              )
            }
          }
          const summary = Object.fromEntries(
            (Object.keys(results) as Array<Name>).map((name) => [
              name,
              {
                readsPerSecond: { median: median(results[name].reads), all: results[name].reads },
                writesPerSecond: { median: median(results[name].writes), all: results[name].writes },
              },
            ]),
          )
          for (const [name, s] of Object.entries(summary))
            log(
              `median ${name.padEnd(9)} track reads ${s.readsPerSecond.median.toFixed(0)}/s, writes ${s.writesPerSecond.median.toFixed(0)} statuses/s`,
            )
          const dir = fileURLToPath(new URL("../../../bench-results/", import.meta.url))
          mkdirSync(dir, { recursive: true })
          const file = join(dir, `bench-pooler-${new Date().toISOString().replace(/[:.]/g, "-")}.json`)
          writeFileSync(
            file,
            JSON.stringify(
              {
                rounds: ROUNDS,
                reads: READS,
                writeBatches: WRITES,
                batch: BATCH,
                concurrency: CONCURRENCY,
                cpus: cpus().length,
                summary,
              },
              null,
              2,
            ),
          )
          log(`saved ${file}`)
        }),
      ),
    )
  } finally {
    bouncer("stop", "--wipe")
    await dropTestDatabase(url, config)
  }
}

await main()
