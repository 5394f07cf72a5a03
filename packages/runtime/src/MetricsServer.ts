import { createServer } from "node:http"
import { Context, Effect, Layer } from "effect"
import { MetricsRegistry } from "./Metrics.ts"

/** A JSON answer of an extra route on the metrics port (the consumer's `/live` and `/ready`). */
export interface JsonAnswer {
  readonly status: number
  readonly body: unknown
}

/** The bound address of the metrics server (METRICSPORT=0 picks a free port, as tests do). */
export class MetricsServer extends Context.Service<MetricsServer, { readonly port: number }>()(
  "@pt/runtime/MetricsServer",
) {}

/**
 * `GET /metrics` (the registry as Prometheus text) and the given JSON routes on `port`, closed with the layer's
 * scope; 405 for another method on those paths, 404 elsewhere. A plain node:http server rather than an Effect
 * HttpRouter: the API's router would see it, and scrapes must not pass through the public server's middleware.
 */
export const MetricsServerLayer = <R = never>(
  port: number,
  routes: Readonly<Record<string, Effect.Effect<JsonAnswer, never, R>>> = {},
): Layer.Layer<MetricsServer, Error, MetricsRegistry | R> =>
  Layer.effect(
    MetricsServer,
    Effect.gen(function* () {
      const { registry } = yield* MetricsRegistry
      const run = Effect.runPromiseWith(yield* Effect.context<R>())
      const server = createServer((req, res) => {
        const path = (req.url ?? "/").split("?")[0] ?? "/"
        const route = routes[path]
        if (path !== "/metrics" && route === undefined) {
          res.writeHead(404, { "content-type": "text/plain" }).end("Not Found")
        } else if (req.method !== "GET") {
          res.writeHead(405, { allow: "GET" }).end()
        } else if (route === undefined) {
          registry.metrics().then(
            (text) => res.writeHead(200, { "content-type": registry.contentType }).end(text),
            (error: unknown) => res.writeHead(500).end(String(error)),
          )
        } else {
          void run(route).then(({ status, body }) =>
            res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body)),
          )
        }
      })
      yield* Effect.acquireRelease(
        Effect.callback<void, Error>((resume) => {
          server.once("error", (error) => resume(Effect.fail(error)))
          server.listen(port, () => resume(Effect.void))
        }),
        () =>
          Effect.callback<void>((resume) => {
            server.close(() => resume(Effect.void))
            server.closeAllConnections()
          }),
      )
      const address = server.address()
      const bound = typeof address === "object" && address !== null ? address.port : port
      const extra = Object.keys(routes)
      yield* Effect.logInfo(`metrics on http://localhost:${bound}/metrics`).pipe(
        Effect.annotateLogs(extra.length > 0 ? { also: extra.join(" ") } : {}),
      )
      return MetricsServer.of({ port: bound })
    }),
  )
