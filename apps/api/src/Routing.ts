import { Cause, Effect, Option, Result, Schema, SchemaAST } from "effect"
import { HttpRouter, HttpServerRequest, type HttpServerResponse } from "effect/http"
import { HttpApiSchemaError } from "effect/http-api/HttpApiError"
import { API_PREFIX, APP_API_PREFIX, Api } from "./Api.ts"
import { errorResponse } from "./ApiErrors.ts"
import { ApiConfig } from "./Config.ts"
import { ApiMetrics } from "./Metrics.ts"
import { type ListLimits, PagingParams, paramMessage, windowError } from "./QueryParams.ts"
import { APP_PATH } from "./Static.ts"

/**
 * What happens around every route, once: the UI's API prefix is mapped onto the canonical one before routing,
 * requests and responses are counted, and whatever escaped a handler becomes the JSON error body — unknown
 * path 404, known path with another method 405, undecodable input 400, anything else 500.
 */
const toCanonical = (url: string): string | undefined => {
  if (!url.startsWith(APP_API_PREFIX)) return undefined
  const next = url.charAt(APP_API_PREFIX.length)
  return next === "" || next === "/" || next === "?"
    ? API_PREFIX + url.slice(APP_API_PREFIX.length)
    : undefined
}

const patternOf = (path: string): RegExp =>
  new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace(/:[A-Za-z_]+/g, "[^/]+")}/?$`)

const hasParam = (query: Schema.Top | undefined, name: string): boolean =>
  query !== undefined &&
  SchemaAST.isObjects(query.ast) &&
  query.ast.propertySignatures.some((p) => p.name === name)

/** Every path the server answers, with its methods: decides 405 versus 404. */
const KNOWN_ROUTES: ReadonlyArray<{
  readonly method: string
  readonly pattern: RegExp
  readonly query?: Schema.Top
}> = [
  ...Object.values(Api.groups).flatMap((group) =>
    Object.values(group.endpoints).map((e) => ({
      method: e.method,
      pattern: patternOf(e.path),
      ...(e.query === undefined ? {} : { query: e.query as Schema.Top }),
    })),
  ),
  { method: "GET", pattern: patternOf(`${API_PREFIX}/openapi.json`) },
  { method: "GET", pattern: patternOf(`${API_PREFIX}/docs`) },
  { method: "GET", pattern: new RegExp(`^${APP_PATH}(/.*)?$`) },
]

const notRouted = (request: HttpServerRequest.HttpServerRequest): HttpServerResponse.HttpServerResponse => {
  const path = request.url.split("?")[0] ?? "/"
  const methods = KNOWN_ROUTES.filter((r) => r.pattern.test(path) && !path.startsWith(`${APP_PATH}/api/`))
  if (methods.length > 0 && !methods.some((r) => r.method === request.method)) {
    const allow = [...new Set(methods.map((r) => r.method))].join(", ")
    // RFC 9110 §15.5.6: a 405 carries Allow with the methods the resource supports.
    return errorResponse(405, `method ${request.method} is not allowed on ${path}; allowed: ${allow}`, {
      allow,
    })
  }
  return errorResponse(404, `no route for ${request.method} ${path}`)
}

const decodePaging = Schema.decodeUnknownOption(PagingParams)

/**
 * The 400 of a query that failed to decode. Each parameter's Schema carries its spec message and the fields
 * decode in the spec's order, so the first issue is the answer; except that the result window (page with
 * page_size, a limit from configuration) comes right after page and page_size in that order, before every
 * parameter the Schema would report.
 */
const queryMessage = (
  request: HttpServerRequest.HttpServerRequest,
  error: Schema.SchemaError,
  limits: ListLimits,
) => {
  const path = request.url.split("?")[0] ?? "/"
  const query = KNOWN_ROUTES.find((r) => r.method === request.method && r.pattern.test(path))?.query
  if (query !== undefined && hasParam(query, "page_size")) {
    const params = new URLSearchParams(request.url.slice(path.length))
    const paging = decodePaging({ page: params.get("page") ?? "", page_size: params.get("page_size") ?? "" })
    const tooDeep = Option.isSome(paging) ? windowError(paging.value, limits) : undefined
    if (tooDeep) return tooDeep.message
  }
  const name = /at \["([^"]+)"\]/.exec(error.message)?.[1]
  const message = query !== undefined && name !== undefined ? paramMessage(query, name) : undefined
  return message ?? `invalid query parameter: ${error.message.split("\n")[0]}`
}

const fromCause = (
  request: HttpServerRequest.HttpServerRequest,
  cause: Cause.Cause<unknown>,
  limits: ListLimits,
): Effect.Effect<HttpServerResponse.HttpServerResponse> => {
  const failure = Cause.findError(cause)
  if (Result.isSuccess(failure)) {
    const error = failure.success as { _tag?: string; reason?: { _tag?: string } }
    if (error._tag === "HttpServerError" && error.reason?._tag === "RouteNotFound") {
      return Effect.succeed(notRouted(request))
    }
  }
  const defect = Cause.findDefect(cause)
  if (Result.isSuccess(defect) && HttpApiSchemaError.is(defect.success)) {
    const { kind, cause: schemaError } = defect.success
    if (kind === "Query")
      return Effect.succeed(errorResponse(400, queryMessage(request, schemaError, limits)))
    if (kind !== "Body" && kind !== "ResponseHeaders") {
      const label = kind === "Params" ? "path parameter" : kind.toLowerCase()
      return Effect.succeed(errorResponse(400, `invalid ${label}: ${schemaError.message.split("\n")[0]}`))
    }
  }
  return Effect.as(
    Effect.logError("request failed", Cause.pretty(cause)),
    errorResponse(500, "internal error; see the server log"),
  )
}

export const RoutingMiddleware = HttpRouter.middleware(
  Effect.map(
    Effect.all([ApiMetrics, ApiConfig]),
    ([metrics, limits]) =>
      (httpEffect) =>
        Effect.gen(function* () {
          let request = yield* HttpServerRequest.HttpServerRequest
          const canonical = toCanonical(request.url)
          if (canonical !== undefined) request = request.modify({ url: canonical })
          metrics.requests.inc()
          const end = metrics.requestSeconds.startTimer()
          const response = yield* httpEffect.pipe(
            Effect.provideService(HttpServerRequest.HttpServerRequest, request),
            Effect.catchCause((cause) =>
              Cause.hasInterruptsOnly(cause) ? Effect.failCause(cause) : fromCause(request, cause, limits),
            ),
          )
          metrics.responses.inc({ code: String(response.status) })
          end()
          return response
        }),
  ),
  { global: true },
)
