/**
 * API benchmark: `pnpm --filter @pt/api bench:api [--statuses N | --reuse] [--duration S] [--connections C]
 * [--rates max,1500] [--only name,...]`.
 *
 * A child process serves the API (the store chosen like the real server: PostgreSQL when DATABASE_URL is set,
 * else memory); this process drives it with autocannon, so the load generator never shares the server's event
 * loop. Every scenario runs once per entry of `--connections` (default 20 and 4) and of `--rates` (default
 * `max`). `max` = closed loop, each connection sends its next request when the previous one answered: 20
 * connections measure throughput (and queueing: p99 grows with the connections), 4 connections the latency
 * at a lower but still high rate. A number = that many requests/s overall; beware that autocannon paces it
 * per second (each connection sends its share back to back, then idles until the next second), so it measures
 * bursts, not a steady load. Prints req/s, p50, p95, p99 and the `count` and size of one sample response; saves JSON under
 * bench-results/. Profile the server: NODE_OPTIONS="--cpu-prof --cpu-prof-dir=prof" (both processes write one).
 *
 * Data:
 * - default: the child first writes `--statuses` statuses through the store port (BenchData.ts, yesterday).
 * - `--reuse`: nothing is written; the database already holds the data set (e.g. ≈10M statuses from
 *   `pnpm --filter @pt/adapters-postgres load:data`) and the fixture (request ids, accounts, services, the day
 *   of the time windows) is sampled from it with psql. Needs DATABASE_URL.
 *
 *   DATABASE_URL=postgres://…/pt_bench_api pnpm --filter @pt/api bench:api --reuse
 */
import { Buffer } from "node:buffer"
import { execFileSync, fork, spawn } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { migrationsList } from "@pt/adapters-postgres/migrations/Migrations"
import { createTestDatabase, dropTestDatabase } from "@pt/adapters-postgres/testing/PostgresTestServer"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import { NODE_OPTIONS, withNodeOptions } from "@pt/runtime/NodeFlags"
import autocannon from "autocannon"
import { Effect, type Layer, ManagedRuntime } from "effect"
import { HttpServer } from "effect/http"
import { type ApiConfig, apiConfigFrom } from "../src/Config.ts"
import { makeApiLayer } from "../src/Server.ts"
import { MemoryStoreLayer, StoreLayer, type StorePorts } from "../src/Store.ts"
import { formatRss, sampleRss } from "../testing/RssSampler.ts"
import { BENCH_DAY, type BenchFixture, benchEvents } from "./BenchData.ts"

const { values: args } = parseArgs({
  options: {
    statuses: { type: "string", default: "100000" },
    ingest: { type: "string", default: "" },
    "ingest-concurrency": { type: "string", default: "4" },
    reuse: { type: "boolean", default: false },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "20,4" },
    rates: { type: "string", default: "max" },
    only: { type: "string", default: "" },
  },
})
const statuses = Number(args.statuses)
const databaseUrl = process.env.DATABASE_URL ?? ""

interface Ready {
  readonly port: number
  readonly loadSeconds: number
  readonly store: string
}
type Fixture = BenchFixture & { readonly day: string; readonly statuses: number }

const serve = async () => {
  const usePostgres = databaseUrl !== ""
  const config = apiConfigFrom({ publicPort: 0, metricsPort: 0, logLevel: "Warn" }, process.env)
  const store: Layer.Layer<StorePorts, unknown, ApiConfig> = usePostgres ? StoreLayer : MemoryStoreLayer
  const runtime = ManagedRuntime.make(makeApiLayer({ config, store }))
  const ready = await runtime.runPromise(
    Effect.gen(function* () {
      const started = Date.now()
      let fixture: BenchFixture | undefined
      if (!args.reuse && args.ingest === "") {
        const writer = yield* PayloadStore
        for (const batch of benchEvents(statuses)) {
          yield* writer.record(batch.events)
          fixture = batch.fixture
        }
      }
      const server = yield* HttpServer.HttpServer
      const port = "port" in server.address ? server.address.port : 0
      return {
        fixture,
        port,
        loadSeconds: (Date.now() - started) / 1000,
        store: usePostgres ? "postgres" : "memory",
      }
    }),
  )
  // Stopped by the driver with SIGINT: close the server and the pool, then exit normally (so that
  // NODE_OPTIONS=--cpu-prof writes the server's profile too).
  process.once("SIGINT", () => {
    runtime.dispose().then(
      () => process.exit(0),
      () => process.exit(1),
    )
  })
  process.send?.(ready)
}

/** One value per line from psql (the data set is already in the database). */
const psql = (query: string): Array<string> =>
  execFileSync("psql", [databaseUrl, "-XqtAc", query], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line !== "")

/**
 * --reuse measures the schema of this checkout: a data set loaded by an older one lacks its migrations (the
 * API would answer 503 or read stale layouts), so they are listed with the command that applies them.
 */
const requireCurrentSchema = () => {
  const applied = new Set(psql("select name from mikro_orm_migrations"))
  const pending = migrationsList.map((m) => m.name).filter((name) => !applied.has(name))
  if (pending.length > 0)
    throw new Error(
      `--reuse: the database lacks ${pending.length} migration(s) of this checkout (${pending.join(", ")}); ` +
        "apply them first: DATABASE_URL=… pnpm --filter @pt/adapters-postgres migrate",
    )
}

const sampleFixture = (): Fixture => {
  const requestIds = psql("select request_id from payloads tablesample bernoulli (0.2) limit 1000")
  const accounts = psql(
    "select distinct account from payloads tablesample bernoulli (0.5) where account <> '' limit 1000",
  )
  // Services that report `success`: the status filter of the scenario then always matches rows.
  const services = psql(`select sv.name from services sv where exists (select 1 from payload_statuses s
    where s.service_id = sv.id and s.status_id = (select id from statuses where name = 'success'))`)
  // The day before the newest payload's day: a full day of data inside the partitions.
  const [day] = psql(
    "select to_char((max(created_at) at time zone 'UTC') - interval '1 day', 'YYYY-MM-DD') from payloads",
  )
  const [total] = psql("select count(*) from payload_statuses")
  if (requestIds.length === 0 || accounts.length === 0 || services.length === 0 || day === undefined)
    throw new Error("--reuse: the database holds no benchmark data (run load:data first)")
  return { requestIds, accounts, services, day, statuses: Number(total) }
}

/** Hosts for `/hosts?inventory_id=`: sampled from the database, else from the newest payloads the API lists. */
const sampleHosts = async (base: string): Promise<ReadonlyArray<string>> => {
  const hosts = args.reuse
    ? psql(
        "select inventory_id from payloads tablesample bernoulli (0.5) where inventory_id <> '' limit 1000",
      )
    : ((await (await fetch(`${base}/api/v1/payloads?page_size=1000`)).json()) as { data: Array<Item> }).data
        .map((p) => p.inventory_id)
        .filter((id) => id !== "")
  return hosts.length > 0 ? hosts : ["no-such-host"]
}
type Item = { readonly inventory_id: string }

/** The V8 flags of the server child: the production ones (NodeFlags.ts), or BENCH_NODE_FLAGS to compare. */
const serverNodeFlags = process.env.BENCH_NODE_FLAGS ?? NODE_OPTIONS.api

/** The API as a child process, with the production V8 flags (as NODE_OPTIONS, the way the image passes them). */
const startServer = (env: Record<string, string>) =>
  fork(new URL(import.meta.url).pathname, process.argv.slice(2), {
    env: withNodeOptions({ ...process.env, ...env, PT_BENCH_ROLE: "server" }, serverNodeFlags),
  })

const untilServing = (child: ReturnType<typeof startServer>) =>
  new Promise<Ready & { fixture?: BenchFixture }>((resolve, reject) => {
    child.once("message", (m) => resolve(m as never))
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)))
  })

const stopServer = (child: ReturnType<typeof startServer>) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null) return resolve()
    child.once("exit", () => resolve())
    child.kill("SIGINT")
  })

const root = new URL("../../..", import.meta.url).pathname
const save = (name: string, body: Record<string, unknown>) => {
  const dir = join(root, "bench-results")
  mkdirSync(dir, { recursive: true })
  const file = join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`)
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), ...body }, null, 2))
  console.log(`saved ${file}`)
}

/**
 * `--ingest 180`: sustained HTTP ingest for that many seconds. The mock producer (its `load --output http --max`
 * mode: pipeline-mix statuses in batches of 500, `--ingest-concurrency` POSTs in flight) posts to
 * `POST /api/v1/statuses` of the API child, which writes to a fresh PostgreSQL database (created here, migrated
 * by the child, dropped at the end); the child's RSS is sampled throughout.
 */
const driveIngest = async () => {
  const seconds = Number(args.ingest)
  if (!(seconds > 0)) throw new Error(`--ingest takes a number of seconds, got ${args.ingest}`)
  if (databaseUrl === "")
    throw new Error("--ingest needs DATABASE_URL (the server writes to a fresh database there)")
  const db = await createTestDatabase(databaseUrl, "bench_ingest")
  const dbUrl = new URL(databaseUrl)
  dbUrl.pathname = `/${db.database}`
  const child = startServer({ DATABASE_URL: dbUrl.toString(), DB_MIGRATE_ON_START: "true" })
  try {
    const ready = await untilServing(child)
    const base = `http://127.0.0.1:${ready.port}`
    const rss = sampleRss(child.pid!)
    const producerMain = join(root, "apps/mock-producer/src/main.ts")
    const producerArgs = ["load", "--output", "http", "--api", base, "--max", "--unit", "statuses"]
    producerArgs.push(
      "--duration",
      `${seconds}s`,
      "--concurrency",
      args["ingest-concurrency"],
      "--no-progress",
    )
    console.log(`ingest: node apps/mock-producer/src/main.ts ${producerArgs.join(" ")}`)
    const producer = spawn(
      process.execPath,
      ["--disable-warning=TimeoutNegativeWarning", producerMain, ...producerArgs],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    )
    let out = ""
    producer.stdout.on("data", (b: Buffer) => (out += b.toString()))
    const started = Date.now()
    const progress = setInterval(
      () =>
        console.log(
          `${((Date.now() - started) / 1000).toFixed(0)} s: API RSS ${rss.current().toFixed(0)} MB`,
        ),
      10_000,
    )
    const code = await new Promise<number | null>((resolve) => producer.once("exit", resolve))
    clearInterval(progress)
    const memory = rss.stop()
    if (code !== 0) throw new Error(`mock producer exited with ${code}: ${out}`)
    const summary = JSON.parse(out.slice(out.indexOf("{"))) as Record<string, unknown>
    console.log(
      `ingest ${seconds} s: ${summary.accepted} statuses accepted at ${summary.achieved_status_rate}/s, errors ${summary.errors}; API ${formatRss(memory)}`,
    )
    save("api-ingest", {
      seconds,
      concurrency: Number(args["ingest-concurrency"]),
      serverNodeFlags,
      producer: summary,
      rss: memory,
    })
  } finally {
    await stopServer(child)
    await dropTestDatabase(databaseUrl, db).catch(() => undefined)
  }
}

const drive = async () => {
  if (args.ingest !== "") return driveIngest()
  if (args.reuse && databaseUrl === "") throw new Error("--reuse needs DATABASE_URL")
  if (args.reuse) requireCurrentSchema()
  const child = startServer({})
  const ready = await untilServing(child)
  const fixture: Fixture = args.reuse ? sampleFixture() : { ...ready.fixture!, day: BENCH_DAY, statuses }
  console.log(
    args.reuse
      ? `reusing ${fixture.statuses.toLocaleString()} statuses in the ${ready.store} store (no load); windows on ${fixture.day}`
      : `loaded ${statuses} statuses into the ${ready.store} store in ${ready.loadSeconds.toFixed(1)} s`,
  )
  const pick = <A>(xs: ReadonlyArray<A>) => xs[Math.floor(Math.random() * xs.length)]!
  // A random hour of the day for every request, so the lists are not served from one hot page.
  const hour = () => {
    const h = Math.floor(Math.random() * 23)
    const hh = (n: number) => String(n).padStart(2, "0")
    return [`${fixture.day}T${hh(h)}:00:00Z`, `${fixture.day}T${hh(h + 1)}:00:00Z`] as const
  }
  const base = `http://127.0.0.1:${ready.port}`
  const hosts = await sampleHosts(base)
  // The fleet questions (issue 10) ask about the last 24 h of the clock, not of the data set's day.
  const last24h = () => new Date(Date.now() - 86_400_000).toISOString()
  const scenarios = [
    { name: "payloads/{id}", path: () => `/api/v1/payloads/${pick(fixture.requestIds)}` },
    { name: "payloads?account=", path: () => `/api/v1/payloads?account=${pick(fixture.accounts)}` },
    {
      name: "payloads?created_at_gte=&created_at_lt=",
      path: () => {
        const [from, to] = hour()
        return `/api/v1/payloads?created_at_gte=${from}&created_at_lt=${to}`
      },
    },
    {
      name: "statuses?service=&status=&date_gte=&date_lt=",
      path: () => {
        const [from, to] = hour()
        return `/api/v1/statuses?service=${pick(fixture.services)}&status=success&date_gte=${from}&date_lt=${to}`
      },
    },
    // Not in the issue's list, measured because the UI opens on them.
    { name: "payloads (no filter)", path: () => "/api/v1/payloads" },
    {
      name: "statuses?date_gte=&date_lt=",
      path: () => {
        const [from, to] = hour()
        return `/api/v1/statuses?date_gte=${from}&date_lt=${to}`
      },
    },
    { name: "stats (24 h)", path: () => "/api/v1/stats" },
    // The fleet view (issue 10); targets at 10M statuses: p99 ≤ 50 ms for the lists, ≤ 20 ms for hosts.
    {
      name: "payloads?outcome=error&created_at_gte=<24h>",
      path: () => `/api/v1/payloads?outcome=error&created_at_gte=${last24h()}`,
    },
    {
      name: "payloads?service=puptoo&status=error&created_at_gte=<24h>",
      path: () => `/api/v1/payloads?service=puptoo&status=error&created_at_gte=${last24h()}`,
    },
    { name: "hosts?inventory_id=", path: () => `/api/v1/hosts?inventory_id=${pick(hosts)}` },
    // Target at 10M statuses: p99 ≤ 100 ms. The default window: the last 24 h, 48 buckets.
    { name: "pipeline (24 h)", path: () => "/api/v1/pipeline" },
    // The same day on a window off the rollup's 5-minute grain: computed from the summaries (the path before it).
    {
      name: "pipeline (24 h off the grain: from the summaries)",
      path: () => `/api/v1/pipeline?since=${new Date(Date.now() - 86_400_000 + 1000).toISOString()}`,
    },
    {
      name: "statuses?status_msg=",
      path: () => `/api/v1/statuses?status_msg=${encodeURIComponent("moved to rejected bucket")}`,
    },
  ].filter((s) => args.only === "" || args.only.split(",").includes(s.name))
  const rates = args.rates.split(",").map((r) => (r === "max" ? undefined : Number(r)))
  const connectionCounts = args.connections.split(",").map(Number)
  const results = []
  // The whole run's RSS, and each autocannon run's own (started just before it).
  const overall = sampleRss(child.pid!)
  for (const s of scenarios) {
    // One sample answer: its `count` and its size (what the API encodes and sends per request).
    const sampleText = await (await fetch(`${base}${s.path()}`)).text()
    const sample = JSON.parse(sampleText) as { count?: unknown }
    const sampleCount = typeof sample?.count === "number" ? sample.count : undefined
    const sampleBytes = Buffer.byteLength(sampleText)
    for (const connections of connectionCounts)
      for (const rate of rates) {
        const rss = sampleRss(child.pid!)
        const run = autocannon({
          url: base,
          connections,
          duration: Number(args.duration),
          ...(rate === undefined ? {} : { overallRate: rate }),
          requests: [{ setupRequest: (req) => ({ ...req, path: s.path() }) }],
        })
        // autocannon's histogram has no p95: it comes from the responses' own latencies.
        const latencies: Array<number> = []
        run.on("response", (_client, _status, _bytes, ms) => latencies.push(ms))
        const r = await run
        latencies.sort((a, b) => a - b)
        const p95 = latencies[Math.max(0, Math.ceil(0.95 * latencies.length) - 1)] ?? 0
        const row = {
          scenario: s.name,
          connections,
          rate: rate ?? "max",
          reqPerSec: r.requests.average,
          p50ms: r.latency.p50,
          p95ms: Math.round(p95),
          p99ms: r.latency.p99,
          maxMs: r.latency.max,
          non2xx: r.non2xx,
          errors: r.errors,
          sampleCount,
          sampleBytes,
          rss: rss.stop(),
        }
        console.log(
          `${s.name.padEnd(58)} c=${String(connections).padEnd(3)}${rate === undefined ? "" : ` rate ${rate}`} ${row.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${String(row.p50ms).padStart(3)} ms  p95 ${String(row.p95ms).padStart(3)} ms  p99 ${String(row.p99ms).padStart(3)} ms  non2xx ${row.non2xx}  errors ${row.errors}${sampleCount === undefined ? "" : `  count≈${sampleCount}`}  ${(sampleBytes / 1024).toFixed(1)} KB  RSS peak ${row.rss.peakMb.toFixed(0)} MB p95 ${row.rss.p95Mb.toFixed(0)} MB`,
        )
        results.push(row)
      }
  }
  const memory = overall.stop()
  console.log(`API over all scenarios: ${formatRss(memory)}`)
  await stopServer(child)
  save(`api-${ready.store}-${fixture.statuses}`, {
    statuses: fixture.statuses,
    reused: args.reuse,
    store: ready.store,
    connections: connectionCounts,
    rates: args.rates,
    duration: Number(args.duration),
    windowDay: fixture.day,
    serverNodeFlags,
    rss: memory,
    results,
  })
}

await (process.env.PT_BENCH_ROLE === "server" ? serve() : drive())
