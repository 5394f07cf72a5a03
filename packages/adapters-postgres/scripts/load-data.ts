/**
 * Fills the configured database (DATABASE_URL, else the throwaway server of scripts/postgres.sh) with a large
 * realistic data set for the API benchmark, fast: rows are generated here and streamed to the server with COPY
 * (psql), bypassing the write path (bench:store measures that).
 * Env: LOAD_PAYLOADS (default 600,000), LOAD_EXTRA_APPS (default 4: ≈ 16.6 statuses per payload, so 600,000
 * payloads ≈ 10,000,000 statuses), LOAD_DAYS (default 7: dates spread over the last N days).
 */
import { spawn } from "node:child_process"
import { Effect } from "effect"
import { ensurePartitions, startOfDay } from "../src/Partitions.ts"
import { rebuildPipelineRollup } from "../src/PipelineRollup.ts"
import { rebuildPackedSummaries } from "../src/queries/SummarySql.ts"
import { configFromUrl, resolveDatabaseUrl } from "../testing/PostgresTestServer.ts"
import { openStore } from "../testing/StoreHarness.ts"
import { payloadEvents } from "./PipelineMix.ts"

const PAYLOADS = Number(process.env.LOAD_PAYLOADS ?? 600_000)
const EXTRA_APPS = Number(process.env.LOAD_EXTRA_APPS ?? 4)
const DAYS = Number(process.env.LOAD_DAYS ?? 7)
const DAY = 86_400_000
const log = (text: string) => process.stdout.write(`[load:data] ${text}\n`)

const csv = (t: string) => `"${t.replaceAll('"', '""')}"`
const iso = (micros: number) => {
  const ms = Math.floor(micros / 1000)
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros % 1000).padStart(3, "0")}Z`
}

/** Streams CSV lines into `\copy <target> from stdin`; resolves when psql exits. */
const copyInto = (url: string, target: string, lines: () => Generator<string>) =>
  new Promise<void>((resolve, reject) => {
    const psql = spawn("psql", [url, "-qv", "ON_ERROR_STOP=1", "-c", `\\copy ${target} from stdin csv`], {
      stdio: ["pipe", "inherit", "inherit"],
    })
    psql.on("error", reject)
    psql.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`psql exited with ${code}`))))
    const it = lines()
    const pump = () => {
      for (;;) {
        let chunk = ""
        for (let i = 0; i < 2_000; i++) {
          const next = it.next()
          if (next.done) {
            psql.stdin.end(chunk)
            return
          }
          chunk += next.value
        }
        if (!psql.stdin.write(chunk)) return void psql.stdin.once("drain", pump)
      }
    }
    pump()
  })

const main = async () => {
  const url = resolveDatabaseUrl()
  // No statement timeout: the loader's statements over the whole data set (the hourly counts, the summaries) take
  // longer than the API's 5 s default (DB_STATEMENT_TIMEOUT_MS), which would cancel them at ≈10M statuses.
  const config = { ...configFromUrl(url), statementTimeoutMs: 0 }
  await Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        const s = yield* openStore(config)
        const now = Date.now()
        const from = now - DAYS * DAY
        yield* ensurePartitions(s.sql, startOfDay(from), startOfDay(now) + 3 * DAY)
        const names = { services: new Set<string>(), sources: new Set<string>(), statuses: new Set<string>() }
        for (let i = 0; i < 200; i++)
          for (const e of payloadEvents(i, 0, { extraApps: EXTRA_APPS })) {
            names.services.add(e.service)
            if (e.source !== "") names.sources.add(e.source)
            names.statuses.add(e.status)
          }
        const ids: Record<string, Map<string, number>> = {}
        for (const [table, set] of Object.entries(names)) {
          yield* Effect.promise(() =>
            s.pg.query(`insert into ${table} (name) select unnest($1::text[]) on conflict do nothing`, [
              [...set],
            ]),
          )
          const rows = yield* Effect.promise(() =>
            s.pg.query<{ id: number; name: string }>(`select id, name from ${table}`),
          )
          ids[table] = new Map(rows.rows.map((r) => [r.name, r.id]))
        }
        const first = (yield* Effect.promise(() =>
          s.pg.query<{ n: number }>("select coalesce(max(id), 0)::float8 as n from payloads"),
        )).rows[0]!.n
        const start = (i: number) => (from + (i * DAYS * DAY) / PAYLOADS) * 1000
        const tag = Date.now().toString(16) // fresh request ids on every run
        const eventsOf = (i: number) =>
          payloadEvents(i, start(i), { extraApps: EXTRA_APPS }).map((e) => ({
            ...e,
            request_id: `${tag}${e.request_id}`.slice(0, 32),
          }))
        const t0 = performance.now()
        log(`COPY ${PAYLOADS.toLocaleString()} payloads`)
        yield* Effect.promise(() =>
          copyInto(
            url,
            "payloads (id, request_id, account, org_id, inventory_id, system_id, created_at)",
            function* () {
              for (let i = 0; i < PAYLOADS; i++) {
                const events = eventsOf(i)
                const pick = (f: "account" | "org_id" | "inventory_id" | "system_id") =>
                  events.reduce((v, e) => (e[f] === "" ? v : e[f]), "")
                const e = events[0]!
                yield `${first + i + 1},${e.request_id},${csv(pick("account"))},${csv(pick("org_id"))},${csv(pick("inventory_id"))},${csv(pick("system_id"))},${iso(e.date)}\n`
              }
            },
          ),
        )
        yield* Effect.promise(() =>
          s.pg.query(`select setval(pg_get_serial_sequence('payloads', 'id'), ${first + PAYLOADS})`),
        )
        log(`payloads done in ${((performance.now() - t0) / 1000).toFixed(1)} s; COPY statuses`)
        let statuses = 0
        yield* Effect.promise(() =>
          copyInto(
            url,
            "payload_statuses (payload_id, service_id, source_id, status_id, status_msg, date)",
            function* () {
              for (let i = 0; i < PAYLOADS; i++) {
                for (const e of eventsOf(i)) {
                  statuses++
                  yield `${first + i + 1},${ids.services!.get(e.service)},${e.source === "" ? "" : ids.sources!.get(e.source)},${ids.statuses!.get(e.status)},${csv(e.status_msg)},${iso(e.date)}\n`
                }
                if (i % 100_000 === 0 && i > 0)
                  log(
                    `${i.toLocaleString()} payloads, ${statuses.toLocaleString()} statuses, ${Math.round(statuses / ((performance.now() - t0) / 1000)).toLocaleString()}/s`,
                  )
              }
            },
          ),
        )
        // COPY bypasses the write path: the exact totals (store_counts) are added here.
        yield* Effect.promise(() =>
          s.pg.query(
            `insert into store_counts as c (slot, payloads, statuses) values (0, $1, $2)
             on conflict (slot) do update set payloads = c.payloads + excluded.payloads, statuses = c.statuses + excluded.statuses`,
            [PAYLOADS, statuses],
          ),
        )
        yield* Effect.promise(() =>
          s.pg.query(
            `insert into status_counts as c (hour, slot, service_id, status_id, n)
             select date_bin('1 hour', date, timestamptz 'epoch'), 0, service_id, status_id, count(*)
             from payload_statuses where payload_id > $1 group by 1, 3, 4
             on conflict (hour, slot, service_id, status_id) do update set n = c.n + excluded.n`,
            [first],
          ),
        )
        // The payload summary (outcome filters, /hosts) is kept by the write path, which COPY bypasses too: it is
        // built here from the loaded statuses, as the migration's backfill does.
        log("summaries")
        for (const statement of rebuildPackedSummaries(`s.payload_id > ${first}`))
          yield* Effect.promise(() => s.pg.query(statement))
        // The pipeline rollup (`GET /pipeline` over whole cells) is derived from the summaries by the consumer's
        // periodic refresh, which a COPY never triggers: it is rebuilt here from every summary, as its migration does.
        log("pipeline rollup")
        yield* rebuildPipelineRollup(s.sql)
        // VACUUM too: index-only scans (the summary's count, the statuses' payload ids) skip the heap only on
        // pages the visibility map marks all-visible, which COPY leaves unset (autovacuum would, later).
        log("VACUUM (ANALYZE)")
        yield* Effect.promise(() =>
          s.pg.query(
            "vacuum (analyze) payloads, payload_statuses, payload_summaries, pipeline_cells, pipeline_cell_errors, pipeline_cell_flow, pipeline_cell_open",
          ),
        )
        const seconds = (performance.now() - t0) / 1000
        log(
          `loaded ${PAYLOADS.toLocaleString()} payloads and ${statuses.toLocaleString()} statuses in ${seconds.toFixed(1)} s`,
        )
      }),
    ),
  )
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error)
    process.exit(1)
  },
)
