import { createServer } from "node:http"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { HttpRouter } from "effect/http"
import { HttpApiBuilder, HttpApiSwagger } from "effect/http-api"
import { API_PREFIX, Api } from "./Api.ts"
import { ApiConfig, ApiConfigLayer } from "./Config.ts"
import { LinksHandlers } from "./handlers/Links.ts"
import { PayloadsHandlers } from "./handlers/Payloads.ts"
import { StatusesHandlers } from "./handlers/Statuses.ts"
import { SystemHandlers } from "./handlers/System.ts"
import { LoggingLayer } from "./Logging.ts"
import { ApiMetricsLayer, MetricsServerLayer } from "./Metrics.ts"
import { RoutingMiddleware } from "./Routing.ts"
import { ShutdownSignalLayer, SignalOnShutdownLayer } from "./Shutdown.ts"
import { StaticLayer } from "./Static.ts"
import { StorageBrokerRequestorLayer } from "./StorageBrokerRequestor.ts"
import { InstrumentedQueriesLayer, StoreLayer, type StorePorts } from "./Store.ts"

/** Every route: the HttpApi (+ openapi.json), the Swagger page, the web UI, and the routing middleware. */
export const HttpRoutes = Layer.mergeAll(
  HttpApiBuilder.layer(Api, { openapiPath: `${API_PREFIX}/openapi.json` }),
  HttpApiSwagger.layer(Api, { path: `${API_PREFIX}/docs` }),
  StaticLayer,
  RoutingMiddleware,
).pipe(Layer.provide([SystemHandlers, PayloadsHandlers, StatusesHandlers, LinksHandlers]))

/** The public HTTP server on PUBLICPORT. Per-request logging is off unless LOG_REQUESTS (it halves throughput). */
export const HttpServerLayer = Layer.unwrap(
  ApiConfig.useSync(({ publicPort, logRequests }) =>
    SignalOnShutdownLayer.pipe(
      Layer.provideMerge(
        HttpRouter.serve(HttpRoutes, { disableLogger: !logRequests }).pipe(
          Layer.provideMerge(NodeHttpServer.layer(createServer, { port: publicPort })),
        ),
      ),
      Layer.provideMerge(ShutdownSignalLayer),
    ),
  ),
)

/**
 * The whole API process given its settings and store: public server, metrics server, requestor, logging.
 * Tests and the embedded start pass their own config/store layers; main.ts uses the environment.
 */
export const makeApiLayer = <E>(options: {
  readonly config: Layer.Layer<ApiConfig, E>
  readonly store: Layer.Layer<StorePorts, unknown, ApiConfig>
}) =>
  HttpServerLayer.pipe(
    Layer.provideMerge(MetricsServerLayer),
    Layer.provide(StorageBrokerRequestorLayer),
    Layer.provide(InstrumentedQueriesLayer),
    Layer.provideMerge(options.store),
    Layer.provideMerge(ApiMetricsLayer),
    Layer.provide(LoggingLayer),
    Layer.provideMerge(options.config),
  )

export const ApiLayer = makeApiLayer({ config: ApiConfigLayer, store: StoreLayer })

export const logStartup = Effect.fn("Server.logStartup")(function* (publicUrl: string) {
  yield* Effect.logInfo(`API on ${publicUrl}${API_PREFIX}/payloads, docs on ${publicUrl}${API_PREFIX}/docs`)
})
