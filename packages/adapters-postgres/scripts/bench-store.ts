/**
 * Write throughput of the store: BENCH_EVENTS (default 1,000,000) pipeline status events through
 * PostgresPayloadStore.record in batches, then COPY of the same status rows into the same (emptied) table as the
 * machine's limit. Prints both rates and the ratio; saves JSON under bench-results/.
 * Env: DATABASE_URL (else scripts/postgres.sh starts one), BENCH_EVENTS, BENCH_BATCH (2000), BENCH_WRITERS (2),
 * BENCH_SUMMARY (`on`; `off` writes without the payload summary, to measure its cost: run both, interleaved),
 * BENCH_COPY (`on`; `off` skips the COPY comparison).
 */
import { execFileSync } from "node:child_process"
import { mkdirSync, rmSync, writeFileSync } from "node:fs"
import { cpus, tmpdir } from "node:os"
import { join } from "node:path"
import type { StatusEvent } from "@pt/domain/StatusEvent"
import { formatTimestamp } from "@pt/domain/Timestamp"
import { Effect } from "effect"
import { makeLookupNames } from "../src/LookupNames.ts"
import { ensurePartitions, startOfDay } from "../src/Partitions.ts"
import { makePostgresPayloadStore } from "../src/PostgresPayloadStore.ts"
import { createTestDatabase, dropTestDatabase, resolveDatabaseUrl } from "../testing/PostgresTestServer.ts"
import { openStore } from "../testing/StoreHarness.ts"
import { payloadEvents } from "./PipelineMix.ts"

const TOTAL = Number(process.env.BENCH_EVENTS ?? 1_000_000)
const BATCH = Number(process.env.BENCH_BATCH ?? 2_000)
const WRITERS = Number(process.env.BENCH_WRITERS ?? 2)
const SUMMARY = (process.env.BENCH_SUMMARY ?? "on") !== "off"
const COPY = (process.env.BENCH_COPY ?? "on") !== "off"
const DAY = 86_400_000
const log = (text: string) => process.stdout.write(`[bench:store] ${text}\n`)

const generate = (): Array<StatusEvent> => {
  const events: Array<StatusEvent> = []
  const start = (Date.now() - 3_600_000) * 1000
  for (let i = 0; events.length < TOTAL; i++) events.push(...payloadEvents(i, start + i * 20_000))
  events.length = TOTAL
  // Arrival order ≈ date order: a payload's statuses land in different batches, as from Kafka.
  return events.sort((a, b) => a.date - b.date)
}

const main = async () => {
  const url = resolveDatabaseUrl()
  const config = { ...(await createTestDatabase(url, "bench")), poolSize: WRITERS + 1 }
  log(`database ${config.database}; generating ${TOTAL.toLocaleString()} events`)
  const events = generate()
  const payloads = new Set(events.map((e) => e.request_id)).size
  log(
    `${payloads.toLocaleString()} payloads (${(TOTAL / payloads).toFixed(2)} statuses each); batch ${BATCH}, ${WRITERS} writers, summary ${SUMMARY ? "on" : "off"}`,
  )
  try {
    return await Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const opened = yield* openStore(config)
          const s = SUMMARY
            ? opened
            : {
                ...opened,
                store: makePostgresPayloadStore(opened.sql, makeLookupNames(opened.sql), { summary: false }),
              }
          const today = startOfDay(Date.now())
          yield* ensurePartitions(s.sql, today - 2 * DAY, today + 3 * DAY)
          // Adapter: WRITERS fibers take batches in order, as several consumers would.
          let next = 0
          let done = 0
          let inserted = 0
          let lastReport = 0
          const started = performance.now()
          const writer = Effect.gen(function* () {
            while (next < events.length) {
              const batch = events.slice(next, next + BATCH)
              next += BATCH
              // Read the result before adding: `inserted += yield* …` would read `inserted` before the other writer's update.
              const result = yield* s.store.record(batch)
              inserted += result.inserted
              done += batch.length
              if (done - lastReport >= 100_000 || done === events.length) {
                lastReport = done
                const secs = (performance.now() - started) / 1000
                log(
                  `adapter ${done.toLocaleString()} / ${TOTAL.toLocaleString()} (${Math.round(done / secs).toLocaleString()}/s)`,
                )
              }
            }
          })
          yield* Effect.all(
            Array.from({ length: WRITERS }, () => writer),
            { concurrency: "unbounded" },
          )
          const adapterSeconds = (performance.now() - started) / 1000
          const cpu = process.cpuUsage()
          log(
            `node process CPU so far: ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (generation included)`,
          )
          const stored = yield* Effect.promise(() =>
            s.pg.query<{ n: number }>("select count(*)::float8 as n from payload_statuses"),
          )
          log(
            `stored ${stored.rows[0]!.n.toLocaleString()} status rows (${inserted.toLocaleString()} reported inserted)`,
          )
          if (stored.rows[0]!.n !== inserted) throw new Error("stored rows differ from the inserted count")
          // The totals kept by the write path (store_counts) must match too, with concurrent writers.
          const totals = yield* Effect.promise(() =>
            s.pg.query<{ payloads: number; statuses: number; real: number; hourly: number }>(
              `select sum(payloads)::float8 as payloads, sum(statuses)::float8 as statuses,
                 (select count(*)::float8 from payloads) as real,
                 (select sum(n)::float8 from status_counts) as hourly from store_counts`,
            ),
          )
          const t = totals.rows[0]!
          log(
            `store_counts: ${t.payloads} payloads (${t.real} rows), ${t.statuses} statuses; status_counts: ${t.hourly}`,
          )
          if (t.payloads !== t.real || t.statuses !== inserted || t.hourly !== inserted)
            throw new Error("store_counts / status_counts differ from the tables")
          // COPY: the same status rows, ids resolved, into the same table emptied.
          const copyRows = async () => {
            log("preparing COPY of the same rows")
            const ids = async (sql: string) =>
              new Map((await s.pg.query<{ id: number; name: string }>(sql)).rows.map((r) => [r.name, r.id]))
            const [payloadIds, services, sources, statuses] = await Promise.all([
              ids("select id::float8 as id, request_id as name from payloads"),
              ids("select id, name from services"),
              ids("select id, name from sources"),
              ids("select id, name from statuses"),
            ])
            const csvField = (t: string) => (t === "" ? "" : `"${t.replaceAll('"', '""')}"`)
            const file = join(tmpdir(), `pt-bench-copy-${process.pid}.csv`)
            const unique = new Map(
              events.map((e) => [
                `${e.request_id}|${e.service}|${e.source}|${e.status}|${e.status_msg}|${e.date}`,
                e,
              ]),
            )
            const lines = [...unique.values()].map(
              (e) =>
                `${payloadIds.get(e.request_id)},${services.get(e.service)},${e.source === "" ? "" : sources.get(e.source)},${statuses.get(e.status)},${csvField(e.status_msg) || '""'},${formatTimestamp(e.date)}`,
            )
            writeFileSync(file, `${lines.join("\n")}\n`)
            await s.pg.query("truncate payload_statuses")
            const copyStarted = performance.now()
            execFileSync("psql", [
              `postgres://${config.user}@${config.host}:${config.port}/${config.database}`,
              "-qc",
              `\\copy payload_statuses (payload_id, service_id, source_id, status_id, status_msg, date) from '${file}' csv`,
            ])
            const seconds = (performance.now() - copyStarted) / 1000
            rmSync(file)
            return {
              rows: lines.length,
              seconds: +seconds.toFixed(2),
              rowsPerSecond: Math.round(lines.length / seconds),
            }
          }
          const copy = COPY ? yield* Effect.promise(copyRows) : undefined
          const adapterRate = TOTAL / adapterSeconds
          const result = {
            date: new Date().toISOString(),
            events: TOTAL,
            inserted,
            payloads,
            batch: BATCH,
            writers: WRITERS,
            summary: SUMMARY,
            cpus: cpus().length,
            adapter: { seconds: +adapterSeconds.toFixed(2), statusesPerSecond: Math.round(adapterRate) },
            ...(copy === undefined ? {} : { copy, ratio: +(adapterRate / copy.rowsPerSecond).toFixed(3) }),
          }
          log(
            `adapter: ${result.adapter.statusesPerSecond.toLocaleString()} statuses/s (${result.adapter.seconds} s, summary ${SUMMARY ? "on" : "off"})`,
          )
          if (copy !== undefined) {
            log(`COPY:    ${copy.rowsPerSecond.toLocaleString()} rows/s (${copy.seconds} s)`)
            log(`ratio:   ${((adapterRate / copy.rowsPerSecond) * 100).toFixed(1)}% of COPY`)
          }
          const dir = join(import.meta.dirname, "../../../bench-results")
          mkdirSync(dir, { recursive: true })
          const out = join(dir, `bench-store-${result.date.replaceAll(":", "-")}.json`)
          writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`)
          log(`saved ${out}`)
          return result
        }),
      ),
    )
  } finally {
    if (process.env.BENCH_KEEP !== "1") await dropTestDatabase(url, config)
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
