/**
 * Live-view benchmark: `pnpm --filter @pt/api bench:sse [--clients 2000] [--ids 2000] [--rounds 3]
 * [--batch 500]`.
 *
 * One API process (the production entry `src/main.ts` as a child, with the production V8 flags or BENCH_NODE_FLAGS;
 * PostgreSQL store on a fresh database from DATABASE_URL, else scripts/postgres.sh's server, so the live updates take the production path: NOTIFY after the write,
 * LISTEN in the API) and `--clients` concurrent SSE connections to `GET /api/v1/payloads/{id}/events`, spread
 * over `--ids` request ids. Each round stores one new status for every id through `POST /api/v1/statuses` (in
 * batches of `--batch`) and waits until every client has received its event: prints and saves (bench-results/)
 * how many arrived, the delivery latency p50/p99/max (from the start of the POST that stored the status to the
 * client reading the event), and the API's RSS: before the clients, with every client connected and idle, and
 * over the rounds, and the RSS per connected client. A connection that ends or fails before its `connected`
 * event stops the run with the reason (it would otherwise wait forever). Not a test: nothing is asserted.
 */
import { type ChildProcess, fork } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { Agent, createServer, get, type IncomingMessage } from "node:http"
import { join } from "node:path"
import { parseArgs } from "node:util"
import {
  createTestDatabase,
  dropTestDatabase,
  resolveDatabaseUrl,
} from "@pt/adapters-postgres/testing/PostgresTestServer"
import { NODE_OPTIONS, withNodeOptions } from "@pt/runtime/NodeFlags"
import { formatRss, rssMb, sampleRss } from "../testing/RssSampler.ts"

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "2000" },
    ids: { type: "string", default: "" },
    rounds: { type: "string", default: "3" },
    batch: { type: "string", default: "500" },
    "round-timeout": { type: "string", default: "60" },
  },
})
const clients = Number(args.clients)
const ids = Number(args.ids === "" ? args.clients : args.ids)
const rounds = Number(args.rounds)
const batch = Number(args.batch)
const root = new URL("../../..", import.meta.url).pathname
const serverNodeFlags = process.env.BENCH_NODE_FLAGS ?? NODE_OPTIONS.api
const say = (line: string) => process.stdout.write(`[bench:sse] ${line}\n`)
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const hex32 = (n: number) => `5e${n.toString(16).padStart(30, "0")}`
const requestIds = Array.from({ length: ids }, (_, i) => hex32(i + 1))
const STEPS = ["received", "processing", "success", "received", "processing", "success"]

/**
 * The API child: the production entry (`src/main.ts`, what `pnpm start` and the image run) with its own
 * settings from the environment, so its RSS is the deployed process's, not a harness's (bench-api.ts's server
 * role also loads autocannon and the benchmark's data generator).
 */
const startServer = (databaseUrl: string, port: number, metricsPort: number): ChildProcess =>
  fork(join(root, "apps/api/src/main.ts"), [], {
    env: withNodeOptions(
      {
        ...process.env,
        DATABASE_URL: databaseUrl,
        DB_MIGRATE_ON_START: "true",
        PUBLICPORT: String(port),
        METRICSPORT: String(metricsPort),
        LOGLEVEL: "WARN",
      },
      serverNodeFlags,
    ),
  })

/** A port nothing listens on now (the API child is then told to listen there). */
const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 0))
    })
  })

/** Waits until the API answers `/ready` (migrated, store reachable), or fails when the child exits. */
const untilReady = async (base: string, child: ChildProcess) => {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`)
    const ok = await fetch(`${base}/ready`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return
    await sleep(200)
  }
}

interface Client {
  readonly id: string
  /** When each `event: status` block arrived, in order (the database starts empty: round n is event n). */
  readonly received: Array<number>
  /** `event: error` blocks: the stream failed (e.g. no pool connection in time) and the API closed it. */
  errors: number
  connected: boolean
  response?: IncomingMessage
}

/**
 * Opens one SSE connection and records every `event: status` block's id and arrival time. Settles once the
 * `connected` event arrived, or with the reason it never will (an `error` event, the stream ended or failed),
 * so a connection the API could not serve is reported rather than waited for forever.
 */
const connect = (base: string, agent: Agent, client: Client) =>
  new Promise<void>((resolve, reject) => {
    const notConnected = (why: string) => {
      if (!client.connected) reject(new Error(`${client.id}: ${why} before the connected event`))
    }
    const request = get(`${base}/api/v1/payloads/${client.id}/events`, { agent }, (response) => {
      client.response = response
      if (response.statusCode !== 200) return reject(new Error(`SSE answered ${response.statusCode}`))
      response.setEncoding("utf8")
      let buffer = ""
      response.on("data", (text: string) => {
        buffer += text
        let end = buffer.indexOf("\n\n")
        while (end >= 0) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          if (block.includes("event: connected") && !client.connected) {
            client.connected = true
            resolve()
          }
          if (block.includes("event: status")) client.received.push(performance.now())
          if (block.includes("event: error")) {
            client.errors++
            notConnected(`error event ${block.split("data: ")[1] ?? ""}`)
          }
          end = buffer.indexOf("\n\n")
        }
      })
      response.on("end", () => notConnected("the stream ended"))
      response.on("error", (error) => notConnected(`the stream failed (${error.message})`))
    })
    request.on("error", reject)
  })

const quantile = (sorted: ReadonlyArray<number>, q: number) =>
  sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!

const main = async () => {
  const adminUrl = resolveDatabaseUrl()
  const db = await createTestDatabase(adminUrl, "bench_sse")
  const dbUrl = new URL(adminUrl)
  dbUrl.pathname = `/${db.database}`
  const port = await freePort()
  const child = startServer(dbUrl.toString(), port, await freePort())
  try {
    const base = `http://127.0.0.1:${port}`
    await untilReady(base, child)
    await sleep(2_000)
    const pid = child.pid!
    const idleRssMb = rssMb(pid)
    say(
      `API pid ${pid} on ${base}, flags "${serverNodeFlags}", RSS ${idleRssMb.toFixed(0)} MB before any client`,
    )

    // 1. Connect every client (a few hundred at a time, as browsers would arrive), each its own socket.
    const overall = sampleRss(pid)
    const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY })
    const all: Array<Client> = Array.from({ length: clients }, (_, i) => ({
      id: requestIds[i % ids]!,
      received: [],
      errors: 0,
      connected: false,
    }))
    const connectStarted = performance.now()
    for (let i = 0; i < all.length; i += 200) {
      const wave = all.slice(i, i + 200)
      const waited = setTimeout(
        () => say(`still waiting: ${all.filter((c) => c.connected).length} clients connected so far`),
        30_000,
      )
      await Promise.all(wave.map((c) => connect(base, agent, c))).finally(() => clearTimeout(waited))
    }
    const connectSeconds = (performance.now() - connectStarted) / 1000
    await sleep(2_000)
    const connectedRssMb = rssMb(pid)
    // What one open connection costs the API, on average: the figure a pod's memory limit scales with.
    const perClientKb = ((connectedRssMb - idleRssMb) * 1024) / clients
    say(
      `${clients} clients connected in ${connectSeconds.toFixed(1)} s on ${ids} request ids; API RSS ${connectedRssMb.toFixed(0)} MB (${perClientKb.toFixed(1)} KB per client)`,
    )

    // 2. Rounds: one new status per request id, posted in batches; wait for every client's event.
    const byId = new Map<string, Array<Client>>()
    for (const c of all) byId.set(c.id, [...(byId.get(c.id) ?? []), c])
    const roundResults = []
    const latencies: Array<number> = []
    for (let round = 0; round < rounds; round++) {
      const roundRss = sampleRss(pid)
      const postedAt = new Map<string, number>()
      const date = new Date(Date.now() - 1_000).toISOString()
      const started = performance.now()
      for (let i = 0; i < requestIds.length; i += batch) {
        const slice = requestIds.slice(i, i + batch)
        const body = slice.map((request_id) => ({
          request_id,
          service: "puptoo",
          status: STEPS[round % STEPS.length],
          date,
        }))
        const t0 = performance.now()
        const r = await fetch(`${base}/api/v1/statuses`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        })
        const answer = (await r.json()) as { accepted?: number }
        if (!r.ok || answer.accepted !== slice.length)
          throw new Error(`POST /statuses answered ${r.status}: ${JSON.stringify(answer)}`)
        for (const id of slice) postedAt.set(id, t0)
      }
      const postSeconds = (performance.now() - started) / 1000
      const deadline = performance.now() + Number(args["round-timeout"]) * 1000
      const missing = () => all.filter((c) => c.received.length <= round)
      while (missing().length > 0 && performance.now() < deadline) await sleep(100)
      const late = missing()
      const roundLatencies = all.flatMap((c) => {
        const at = c.received[round]
        return at === undefined ? [] : [at - postedAt.get(c.id)!]
      })
      latencies.push(...roundLatencies)
      const sorted = [...roundLatencies].sort((a, b) => a - b)
      const rss = roundRss.stop()
      const result = {
        round: round + 1,
        statuses: requestIds.length,
        postSeconds,
        delivered: roundLatencies.length,
        expected: clients,
        undelivered: late.length,
        p50Ms: Math.round(quantile(sorted, 0.5)),
        p99Ms: Math.round(quantile(sorted, 0.99)),
        maxMs: Math.round(sorted.at(-1) ?? Number.NaN),
        rss,
      }
      roundResults.push(result)
      say(
        `round ${result.round}: ${result.statuses} statuses posted in ${postSeconds.toFixed(1)} s; ` +
          `${result.delivered}/${clients} clients got their event (p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms); API ${formatRss(rss)}`,
      )
    }
    const memory = overall.stop()
    const sorted = [...latencies].sort((a, b) => a - b)
    const stillOpen = all.filter((c) => c.response !== undefined && !c.response.complete).length
    const summary = {
      benchmark: "sse",
      clients,
      requestIds: ids,
      rounds,
      batch,
      serverNodeFlags,
      connectSeconds,
      stillOpenAtEnd: stillOpen,
      errorEvents: all.reduce((n, c) => n + c.errors, 0),
      delivered: latencies.length,
      expected: clients * rounds,
      p50Ms: Math.round(quantile(sorted, 0.5)),
      p99Ms: Math.round(quantile(sorted, 0.99)),
      maxMs: Math.round(sorted.at(-1) ?? Number.NaN),
      rssBeforeClientsMb: Math.round(idleRssMb),
      rssClientsConnectedMb: Math.round(connectedRssMb),
      rssPerClientKb: Math.round(perClientKb * 10) / 10,
      rss: memory,
      roundResults,
    }
    say(
      `${summary.delivered}/${summary.expected} events delivered to ${clients} clients (${stillOpen} streams open at the end, ${summary.errorEvents} error events): ` +
        `p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms, max ${summary.maxMs} ms; API ${formatRss(memory)}`,
    )
    for (const c of all) c.response?.destroy()
    agent.destroy()
    mkdirSync(join(root, "bench-results"), { recursive: true })
    const date = new Date().toISOString()
    const file = join(root, "bench-results", `sse-${clients}-${date.replace(/[:.]/g, "-")}.json`)
    writeFileSync(file, `${JSON.stringify({ date, ...summary }, null, 2)}\n`)
    say(`saved ${file}`)
  } finally {
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      child.once("exit", () => resolve())
      child.kill("SIGTERM")
    })
    await dropTestDatabase(adminUrl, db).catch(() => undefined)
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
