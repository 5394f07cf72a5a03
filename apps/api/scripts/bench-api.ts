/**
 * API benchmark: `pnpm --filter @pt/api bench:api [--statuses N] [--duration S] [--connections C]`.
 * A child process loads N statuses through the store port (memory by default; PostgreSQL when DATABASE_URL is
 * set, once the adapter is wired) and serves the API; this process drives it with autocannon so the load
 * generator does not share the server's event loop. Prints req/s, p50 and p99; saves JSON under bench-results/.
 * Against PostgreSQL: `DATABASE_URL=... DB_MIGRATE_ON_START=true pnpm --filter @pt/api bench:api --statuses 10000000`
 * (loading is idempotent, so a second run over the same database reuses the rows).
 */
import { fork } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import autocannon from "autocannon"
import { Effect, type Layer, ManagedRuntime } from "effect"
import { HttpServer } from "effect/http"
import { type ApiConfig, apiConfigFrom } from "../src/Config.ts"
import { makeApiLayer } from "../src/Server.ts"
import { MemoryStoreLayer, StoreLayer, type StorePorts } from "../src/Store.ts"
import { BENCH_DAY, type BenchFixture, benchEvents } from "./BenchData.ts"

const { values: args } = parseArgs({
  options: {
    statuses: { type: "string", default: "100000" },
    duration: { type: "string", default: "10" },
    connections: { type: "string", default: "20" },
  },
})
const statuses = Number(args.statuses)

const serve = async () => {
  const usePostgres = (process.env.DATABASE_URL ?? "") !== ""
  const config = apiConfigFrom({ publicPort: 0, metricsPort: 0, logLevel: "Warn" }, process.env)
  // StoreLayer picks PostgreSQL from DATABASE_URL (and fails clearly while that adapter is not wired yet).
  const store: Layer.Layer<StorePorts, unknown, ApiConfig> = usePostgres ? StoreLayer : MemoryStoreLayer
  const runtime = ManagedRuntime.make(makeApiLayer({ config, store }))
  const fixture = await runtime.runPromise(
    Effect.gen(function* () {
      const writer = yield* PayloadStore
      const started = Date.now()
      let fixture: BenchFixture | undefined
      for (const batch of benchEvents(statuses)) {
        yield* writer.record(batch.events)
        fixture = batch.fixture
      }
      const server = yield* HttpServer.HttpServer
      const port = "port" in server.address ? server.address.port : 0
      return {
        ...fixture!,
        port,
        loadSeconds: (Date.now() - started) / 1000,
        store: usePostgres ? "postgres" : "memory",
      }
    }),
  )
  process.send?.(fixture)
}

const drive = async () => {
  const child = fork(new URL(import.meta.url).pathname, process.argv.slice(2), {
    env: { ...process.env, PT_BENCH_ROLE: "server" },
  })
  const ready = await new Promise<BenchFixture & { port: number; loadSeconds: number; store: string }>(
    (resolve, reject) => {
      child.once("message", (m) => resolve(m as never))
      child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)))
    },
  )
  console.log(
    `loaded ${statuses} statuses into the ${ready.store} store in ${ready.loadSeconds.toFixed(1)} s`,
  )
  const base = `http://127.0.0.1:${ready.port}/api/v1`
  const pick = <A>(xs: ReadonlyArray<A>) => xs[Math.floor(Math.random() * xs.length)]!
  const scenarios = [
    { name: "payloads/{id}", path: () => `/api/v1/payloads/${pick(ready.requestIds)}` },
    { name: "payloads?account=", path: () => `/api/v1/payloads?account=${pick(ready.accounts)}` },
    {
      name: "payloads?created_at_gte=&created_at_lt=",
      path: () =>
        `/api/v1/payloads?created_at_gte=${BENCH_DAY}T10:00:00Z&created_at_lt=${BENCH_DAY}T11:00:00Z`,
    },
    {
      name: "statuses?service=&status=&date_gte=&date_lt=",
      path: () =>
        `/api/v1/statuses?service=${pick(ready.services)}&status=success&date_gte=${BENCH_DAY}T10:00:00Z&date_lt=${BENCH_DAY}T11:00:00Z`,
    },
  ]
  const results = []
  for (const s of scenarios) {
    const r = await autocannon({
      url: base,
      connections: Number(args.connections),
      duration: Number(args.duration),
      requests: [{ setupRequest: (req) => ({ ...req, path: s.path() }) }],
    })
    const row = {
      scenario: s.name,
      reqPerSec: r.requests.average,
      p50ms: r.latency.p50,
      p99ms: r.latency.p99,
      non2xx: r.non2xx,
      errors: r.errors,
    }
    console.log(
      `${s.name.padEnd(48)} ${row.reqPerSec.toFixed(0).padStart(7)} req/s  p50 ${row.p50ms} ms  p99 ${row.p99ms} ms  non2xx ${row.non2xx}`,
    )
    results.push(row)
  }
  child.kill("SIGINT")
  const dir = join(new URL("../../..", import.meta.url).pathname, "bench-results")
  mkdirSync(dir, { recursive: true })
  const file = join(
    dir,
    `api-${ready.store}-${statuses}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
  )
  writeFileSync(
    file,
    JSON.stringify(
      {
        statuses,
        store: ready.store,
        connections: Number(args.connections),
        duration: Number(args.duration),
        results,
      },
      null,
      2,
    ),
  )
  console.log(`saved ${file}`)
}

await (process.env.PT_BENCH_ROLE === "server" ? serve() : drive())
