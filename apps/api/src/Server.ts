import { createServer, maxHeaderSize, type Server, type ServerResponse } from "node:http"
import type { Duplex } from "node:stream"
import * as NodeHttpServer from "@effect/platform-node/NodeHttpServer"
import { Effect, Layer } from "effect"
import { HttpRouter } from "effect/http"
import { HttpApiBuilder } from "effect/http-api"
import { API_PREFIX, Api } from "./Api.ts"
import { type ErrorStatus, errorBody } from "./ApiErrors.ts"
import { ApiConfig, ApiConfigLayer } from "./Config.ts"
import { SwaggerLayer } from "./Docs.ts"
import { HostsHandlers } from "./handlers/Hosts.ts"
import { LinksHandlers } from "./handlers/Links.ts"
import { PayloadsHandlers } from "./handlers/Payloads.ts"
import { PipelineHandlers } from "./handlers/Pipeline.ts"
import { StatusesHandlers } from "./handlers/Statuses.ts"
import { SystemHandlers } from "./handlers/System.ts"
import { LoggingLayer } from "./Logging.ts"
import { ApiMetrics, ApiMetricsLayer, MetricsServerLayer } from "./Metrics.ts"
import { RoutingMiddleware } from "./Routing.ts"
import { ShutdownSignalLayer, SignalOnShutdownLayer } from "./Shutdown.ts"
import { StaticLayer } from "./Static.ts"
import { StorageBrokerRequestorLayer } from "./StorageBrokerRequestor.ts"
import { InstrumentedQueriesLayer, InstrumentedStoreLayer, StoreLayer, type StorePorts } from "./Store.ts"

/** Every route: the HttpApi (+ openapi.json), the Swagger page, the web UI, and the routing middleware. */
const HttpRoutes = Layer.mergeAll(
  HttpApiBuilder.layer(Api, { openapiPath: `${API_PREFIX}/openapi.json` }),
  SwaggerLayer,
  StaticLayer,
  RoutingMiddleware,
).pipe(
  Layer.provide([
    SystemHandlers,
    PayloadsHandlers,
    StatusesHandlers,
    LinksHandlers,
    HostsHandlers,
    PipelineHandlers,
  ]),
)

/**
 * What Node's HTTP parser rejects before any route runs (request line or headers over `maxHeaderSize`, a raw
 * NUL or other malformed bytes, a request that took too long to arrive) gets the same JSON error body as
 * everything else, instead of Node's bodiless default. The connection cannot be reused after a parse error,
 * so the answer closes it; nothing is written when the peer is gone.
 */
const clientErrorStatus = (code: string | undefined): ErrorStatus =>
  code === "HPE_HEADER_OVERFLOW"
    ? 431
    : code === "HPE_CHUNK_EXTENSIONS_OVERFLOW"
      ? 413
      : code === "ERR_HTTP_REQUEST_TIMEOUT"
        ? 408
        : 400

const clientErrorMessage = (status: ErrorStatus, error: Error & { reason?: string }): string => {
  switch (status) {
    case 431:
      return `the request line and headers are larger than ${maxHeaderSize} bytes; shorten the query string or the headers`
    case 413:
      return "the chunk extensions of the request body are too large"
    case 408:
      return "the request was not received in time; send it again"
    default:
      return `malformed HTTP request (${error.reason ?? error.message}); control characters such as NUL must be percent-encoded`
  }
}

const answerClientError =
  (onAnswer: (status: ErrorStatus) => void) =>
  (error: Error & { code?: string; reason?: string }, socket: Duplex): void => {
    if (error.code === "ECONNRESET") {
      socket.destroy()
      return
    }
    let answered = false
    const answer = () => {
      if (answered) return
      answered = true
      if (!socket.writable) {
        socket.destroy()
        return
      }
      const status = clientErrorStatus(error.code)
      const body = JSON.stringify(errorBody(status, clientErrorMessage(status, error)))
      onAnswer(status)
      socket.end(
        `HTTP/1.1 ${status} ${errorBody(status, "").title}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        () => socket.destroy(),
      )
    }
    // A pipelined request that fails to parse while the one before it is still being answered: that answer
    // goes out first, whole, and ours after it (Node's default would write ours first, so the client would
    // take it as the answer to the earlier request, or cut a started one).
    const inFlight = (socket as { _httpMessage?: ServerResponse | null })._httpMessage
    if (inFlight && !inFlight.writableFinished) {
      inFlight.once("finish", answer)
      inFlight.once("close", answer)
    } else {
      answer()
    }
  }

/** The public HTTP server on PUBLICPORT. Per-request logging is off unless LOG_REQUESTS (it halves throughput). */
const HttpServerLayer = Layer.unwrap(
  Effect.gen(function* () {
    const { publicPort, logRequests } = yield* ApiConfig
    const metrics = yield* ApiMetrics
    // Counted like every routed answer, so parser-level rejections show up in payload_tracker_responses.
    const onAnswer = (status: ErrorStatus) => {
      metrics.requests.inc()
      metrics.responses.inc({ code: String(status) })
    }
    const server = (): Server => createServer().on("clientError", answerClientError(onAnswer))
    return SignalOnShutdownLayer.pipe(
      Layer.provideMerge(
        HttpRouter.serve(HttpRoutes, { disableLogger: !logRequests }).pipe(
          Layer.provideMerge(NodeHttpServer.layer(server, { port: publicPort })),
        ),
      ),
      Layer.provideMerge(ShutdownSignalLayer),
    )
  }),
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
    Layer.provide(InstrumentedStoreLayer),
    Layer.provideMerge(options.store),
    Layer.provideMerge(ApiMetricsLayer),
    Layer.provide(LoggingLayer),
    Layer.provideMerge(options.config),
  )

export const ApiLayer = makeApiLayer({ config: ApiConfigLayer, store: StoreLayer })
