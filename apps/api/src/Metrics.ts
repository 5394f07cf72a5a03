import { createServer } from "node:http"
import { Context, Effect, Layer } from "effect"
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client"
import { ApiConfig } from "./Config.ts"

/**
 * Prometheus metrics under the names operators' dashboards already use (docs/api.md, "Metrics"). The registry
 * lives in this layer (no global default registry), so tests can start several servers in one process.
 * The consumer-side names count HTTP ingest here: it is the same write path as a Kafka record.
 */
export class ApiMetrics extends Context.Service<
  ApiMetrics,
  {
    readonly registry: Registry
    readonly requests: Counter
    readonly responses: Counter<"code">
    readonly dbSeconds: Histogram
    readonly apiInvalidRequestIds: Counter
    readonly consumerInvalidRequestIds: Counter
    readonly messagesProcessed: Counter
    readonly messageProcessSeconds: Histogram
    readonly messageProcessErrors: Counter
  }
>()("@pt/api/ApiMetrics") {}

export const ApiMetricsLayer = Layer.sync(ApiMetrics, () => {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const registers = [registry]
  return ApiMetrics.of({
    registry,
    requests: new Counter({ name: "payload_tracker_requests", help: "API requests", registers }),
    responses: new Counter({
      name: "payload_tracker_responses",
      help: "API responses by status code",
      labelNames: ["code"],
      registers,
    }),
    dbSeconds: new Histogram({
      name: "payload_tracker_db_seconds",
      help: "Time spent in store queries",
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    apiInvalidRequestIds: new Counter({
      name: "payload_tracker_api_invalid_request_IDs",
      help: "API requests naming an invalid request id",
      registers,
    }),
    consumerInvalidRequestIds: new Counter({
      name: "payload_tracker_consumer_invalid_request_IDs",
      help: "Ingested status messages rejected for an invalid request id or invalid JSON",
      registers,
    }),
    messagesProcessed: new Counter({
      name: "payload_tracker_messages_processed",
      help: "Status messages processed",
      registers,
    }),
    messageProcessSeconds: new Histogram({
      name: "payload_tracker_message_process_seconds",
      help: "Time to process a batch of status messages",
      registers,
    }),
    messageProcessErrors: new Counter({
      name: "payload_tracker_message_process_errors",
      help: "Status messages rejected as invalid",
      registers,
    }),
  })
})

/** The bound address of the metrics server (METRICSPORT=0 picks a free port, as tests do). */
export class MetricsServer extends Context.Service<MetricsServer, { readonly port: number }>()(
  "@pt/api/MetricsServer",
) {}

/** `GET /metrics` on METRICSPORT: a plain node:http server, closed with the layer's scope. */
export const MetricsServerLayer = Layer.effect(
  MetricsServer,
  Effect.gen(function* () {
    const { registry } = yield* ApiMetrics
    const { metricsPort } = yield* ApiConfig
    const server = createServer((req, res) => {
      if (req.method === "GET" && req.url?.split("?")[0] === "/metrics") {
        registry.metrics().then(
          (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
          (error: unknown) => res.writeHead(500).end(String(error)),
        )
      } else res.writeHead(404, { "content-type": "text/plain" }).end("Not Found")
    })
    yield* Effect.acquireRelease(
      Effect.callback<void, Error>((resume) => {
        server.once("error", (error) => resume(Effect.fail(error)))
        server.listen(metricsPort, () => resume(Effect.void))
      }),
      () =>
        Effect.callback<void>((resume) => {
          server.close(() => resume(Effect.void))
          server.closeAllConnections()
        }),
    )
    const address = server.address()
    const port = typeof address === "object" && address !== null ? address.port : metricsPort
    yield* Effect.logInfo(`metrics on http://localhost:${port}/metrics`)
    return MetricsServer.of({ port })
  }),
)
