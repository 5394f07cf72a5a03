import { readFileSync } from "node:fs"
import { createServer } from "node:http"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Micros } from "@pt/domain/Timestamp"
import { Effect, Layer } from "effect"
import { HttpRouter } from "effect/http"
import { makeArchiveStore } from "./ArchiveStore.ts"
import type { CliConfig } from "./Cli.ts"
import { ALLOWED_SERVICES, ingressRoutes } from "./Ingress.ts"
import { type LoadOptions, type RecordSource, runStatuses, runUploads, trafficSource } from "./Load.ts"
import { HttpOutputLayer } from "./outputs/HttpOutput.ts"
import { KafkaOutputLayer } from "./outputs/KafkaOutput.ts"
import type { Output } from "./outputs/Output.ts"
import { StdoutOutputLayer } from "./outputs/StdoutOutput.ts"
import { makePump } from "./Pump.ts"
import { Rng } from "./Random.ts"
import { SCENARIOS } from "./Scenarios.ts"
import { storageBrokerRoutes } from "./StorageBroker.ts"
import type { TraceRecord } from "./Trace.ts"
import { Traffic } from "./Traffic.ts"

const outputLayer = (c: CliConfig): Layer.Layer<Output, unknown> =>
  c.output === "http"
    ? HttpOutputLayer({ api: c.api, prefix: c.prefix })
    : c.output === "stdout"
      ? StdoutOutputLayer()
      : KafkaOutputLayer({ brokers: c.brokers, topic: c.topic })

const trafficOf = (c: CliConfig) =>
  new Traffic(new Rng(c.seed), {
    mix: c.mix,
    noiseRate: c.noise,
    trace: { duplicateRate: c.duplicates, swapRate: c.swaps, retryRate: 0.005, skewMs: 5 },
  })

const pumpOf = (c: CliConfig) => makePump({ batchSize: c.batchSize, concurrency: c.concurrency, tickMs: 20 })
const loadOptions = (c: CliConfig): LoadOptions => ({
  unit: c.unit,
  rate: c.rate,
  durationMs: c.durationMs,
  count: c.count,
  tickMs: 20,
  progress: c.progress,
})
/** Human output goes to stderr when stdout carries the records themselves. */
const info = (c: CliConfig, text: string) =>
  Effect.sync(() => (c.output === "stdout" ? process.stderr : process.stdout).write(`${text}\n`))

const single = Effect.fnUntraced(function* (c: CliConfig) {
  const pump = yield* pumpOf(c)
  const traffic = trafficOf(c)
  const trace = traffic.next(Micros.make(yield* pump.nowMicros), c.scenario)
  const id = trace.upload.requestId
  const api = c.api.replace(/\/$/, "")
  yield* info(
    c,
    [
      `request_id ${id}  scenario ${c.scenario} (${SCENARIOS[c.scenario].about}), ${trace.records.length} statuses → ${pump.describe}`,
      `  ${api}${c.prefix}/payloads/${id}`,
      `  ${api}/app/payload-tracker/track?request_id=${id}`,
    ].join("\n"),
  )
  pump.timeline.push(trace)
  yield* pump.runRealtime({ until: () => pump.timeline.size === 0 })
  const s = pump.stats
  yield* info(
    c,
    `done: ${s.sent} sent, ${s.rejected} rejected, ${s.errors} errors${s.lastError ? ` (${s.lastError})` : ""}`,
  )
})

const load = Effect.fnUntraced(function* (c: CliConfig) {
  const pump = yield* pumpOf(c)
  const traffic = trafficOf(c)
  const options = loadOptions(c)
  const result =
    c.unit === "uploads" && c.rate !== undefined
      ? yield* runUploads(pump, traffic, options)
      : yield* runStatuses(pump, trafficSource(traffic, yield* pump.nowMicros, c.rate ?? 5000), options)
  yield* info(
    c,
    JSON.stringify({ mode: "load", seed: c.seed, ...result, scenarios: traffic.counts }, null, 2),
  )
})

/** Each line is sent as is: JSON values as values, anything else as raw (malformed) bytes. */
const fileSource = (path: string): RecordSource => {
  const lines = readFileSync(path, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
  let next = 0
  const toRecord = (line: string): TraceRecord => {
    try {
      return { at: Micros.make(0), value: JSON.parse(line) }
    } catch {
      return { at: Micros.make(0), value: undefined, raw: line }
    }
  }
  return {
    pull: (n) => {
      const chunk = lines.slice(next, next + n)
      next += chunk.length
      return chunk.map(toRecord)
    },
    uploads: () => 0,
  }
}

const replay = Effect.fnUntraced(function* (c: CliConfig) {
  const pump = yield* pumpOf(c)
  const result = yield* runStatuses(pump, fileSource(c.file!), loadOptions(c))
  yield* info(c, JSON.stringify({ mode: "replay", file: c.file, ...result }, null, 2))
})

const serve = Effect.fnUntraced(function* (c: CliConfig) {
  const pump = yield* pumpOf(c)
  const traffic = trafficOf(c)
  const archives = makeArchiveStore(c.dataDir, process.env.MOCK_STORAGE_SECRET)
  const routes = Layer.mergeAll(
    ingressRoutes({
      pump,
      traffic,
      archives,
      options: {
        allowedServices: ALLOWED_SERVICES,
        maxSize: c.maxUploadSize,
        serviceMaxSize: { qpc: 157_286_400 },
        denyOrgs: c.denyOrgs,
      },
    }),
    storageBrokerRoutes(archives, c.publicUrl),
  )
  const server = HttpRouter.serve(routes, { disableLogger: true }).pipe(
    Layer.provide(NodeHttpServer.layer(createServer, { port: c.port })),
  )
  const traffic$ =
    c.rate !== undefined && c.rate > 0
      ? runUploads(pump, traffic, {
          ...loadOptions(c),
          unit: "uploads",
          durationMs: undefined,
          count: undefined,
          progress: false,
        })
      : pump.runRealtime({ until: () => false })
  yield* Effect.logInfo(
    `mock producer: ingress stand-in ${c.publicUrl}/api/ingress/v1/upload, storage broker ${c.publicUrl}/archive/url, ` +
      `background traffic ${c.rate ?? 0} uploads/s → ${pump.describe}`,
  )
  // Either failing (port taken, …) stops both: the supervisor sees the exit.
  yield* Effect.all([Layer.launch(server), traffic$], { concurrency: "unbounded", discard: true })
})

export const runCommand = (c: CliConfig) => {
  const program =
    c.mode === "single" ? single(c) : c.mode === "load" ? load(c) : c.mode === "replay" ? replay(c) : serve(c)
  return program.pipe(Effect.provide(outputLayer(c)))
}
