import { createServer } from "node:http"
import { Effect, Layer } from "effect"
import { PrometheusMetrics } from "effect/observability"
import { ConsumerHealth } from "./Health.ts"
import { ConsumerMetrics } from "./Metrics.ts"

/** `/metrics` (Prometheus text), `/live` and `/ready` (200 or 503 with a JSON detail) on METRICSPORT. */
export const MetricsServerLayer = (port: number) =>
  Layer.effectDiscard(
    Effect.gen(function* () {
      const { registry } = yield* ConsumerMetrics
      const { report } = yield* ConsumerHealth
      const context = yield* Effect.context<never>()
      const run = Effect.runPromiseWith(context)
      const server = yield* Effect.acquireRelease(
        Effect.callback<ReturnType<typeof createServer>>((resume) => {
          const s = createServer((req, res) => {
            const path = (req.url ?? "/").split("?")[0]
            if (req.method !== "GET") {
              res.writeHead(405).end()
            } else if (path === "/metrics") {
              // prom-client's metrics, then the Effect metrics of the adapters (store maintenance, retention).
              registry.metrics().then(
                (text) =>
                  res
                    .writeHead(200, { "content-type": registry.contentType })
                    .end(`${text}\n${PrometheusMetrics.formatUnsafe(context)}`),
                (error: unknown) => res.writeHead(500).end(String(error)),
              )
            } else if (path === "/live" || path === "/ready") {
              void run(report).then((r) => {
                const ok = path === "/live" ? r.live : r.ready
                res
                  .writeHead(ok ? 200 : 503, { "content-type": "application/json" })
                  .end(JSON.stringify({ status: ok ? "ok" : "unavailable", ...r.detail }))
              })
            } else {
              res.writeHead(404).end()
            }
          })
          s.once("error", (error) => resume(Effect.die(error)))
          s.listen(port, () => resume(Effect.succeed(s)))
        }),
        (s) =>
          Effect.callback<void>((resume) => {
            s.close(() => resume(Effect.void))
            s.closeAllConnections()
          }),
      )
      const address = server.address()
      yield* Effect.logInfo(
        `metrics and health on port ${typeof address === "object" && address ? address.port : port}`,
      )
    }),
  )
