import { Schema } from "effect"
import { HttpApi, HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "effect/http-api"
import {
  BadGateway,
  BadRequest,
  Forbidden,
  GatewayTimeout,
  NotFound,
  PayloadTooLarge,
  ServiceUnavailable,
  Unauthorized,
} from "./ApiErrors.ts"
import { HostHistoryAnswer } from "./HostSchemas.ts"
import { PipelineAnswer, PipelineParams } from "./PipelineSchemas.ts"
import * as P from "./QueryParams.ts"
import * as S from "./Schemas.ts"

/**
 * The REST API v1 contract (docs/api.md) as one HttpApi: handlers, openapi.json and the Swagger page all come
 * from here. Routes live under API_PREFIX; the UI's prefix (/app/payload-tracker/api/v1) is rewritten onto it
 * before routing (see Routing.ts), so both serve the same endpoints.
 */
export const API_PREFIX = "/api/v1"
export const APP_API_PREFIX = "/app/payload-tracker/api/v1"

// Query parameters are Schemas (QueryParams.ts): typed, documented, and carrying the spec's 400 messages.
const q = (description: string) => Schema.optional(Schema.String).annotate({ description })
const Lubdub = Schema.String.pipe(HttpApiSchema.asText())
/**
 * The path id as documented: what `normalizeRequestId` accepts. Documented rather than enforced here, because
 * each endpoint answers a bad id its own way (400 `<id> is not a valid UUID`, or 404 on `/payloads/{id}`).
 */
const REQUEST_ID =
  /^\s*([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\s*$/u
const RequestIdParam = {
  request_id: Schema.String.check(
    Schema.makeFilter(() => true, { toJsonSchema: () => ({ pattern: REQUEST_ID.source }) }),
  ).annotate({ description: "32 hex characters or a dashed UUID" }),
}
const identity = { "x-rh-identity": Schema.optional(Schema.String) }

class SystemGroup extends HttpApiGroup.make("system").add(
  HttpApiEndpoint.get("root", "/", { success: Lubdub }),
  HttpApiEndpoint.get("health", "/health", { success: Lubdub, error: ServiceUnavailable }),
  HttpApiEndpoint.get("live", "/live", { success: Lubdub }),
  HttpApiEndpoint.get("ready", "/ready", { success: Lubdub, error: ServiceUnavailable }),
) {}

class PayloadsGroup extends HttpApiGroup.make("payloads")
  .add(
    HttpApiEndpoint.get("root", "/", { success: Lubdub }),
    HttpApiEndpoint.get("list", "/payloads", {
      query: P.PayloadListParams,
      success: S.PayloadList,
      error: [BadRequest, ServiceUnavailable],
    }),
    HttpApiEndpoint.get("track", "/payloads/:request_id", {
      params: RequestIdParam,
      query: P.HistoryParams,
      success: S.PayloadHistory,
      error: [BadRequest, NotFound, ServiceUnavailable],
    }),
    HttpApiEndpoint.get("events", "/payloads/:request_id/events", {
      params: RequestIdParam,
      success: HttpApiSchema.StreamSse({ events: S.PayloadEvent }).annotate({
        description:
          "Server-Sent Events: `connected` once, then one `status` event per newly stored status of the payload; " +
          "`: heartbeat` comments every 15 s",
      }),
      error: [BadRequest, ServiceUnavailable],
    }),
  )
  .prefix(API_PREFIX) {}

class StatusesGroup extends HttpApiGroup.make("statuses")
  .add(
    HttpApiEndpoint.get("list", "/statuses", {
      query: P.StatusListParams,
      success: S.StatusList,
      error: [BadRequest, ServiceUnavailable],
    }),
    HttpApiEndpoint.post("ingest", "/statuses", {
      payload: S.IngestBody,
      success: S.IngestResult.pipe(HttpApiSchema.status(202)),
      error: [BadRequest, NotFound, PayloadTooLarge, ServiceUnavailable],
    }),
    HttpApiEndpoint.get("stats", "/stats", {
      query: P.StatsParams,
      success: S.SuccessRate,
      error: [BadRequest, ServiceUnavailable],
    }),
  )
  .prefix(API_PREFIX) {}

class HostsGroup extends HttpApiGroup.make("hosts")
  .add(
    HttpApiEndpoint.get("history", "/hosts", {
      query: P.HostParams,
      success: HostHistoryAnswer,
      error: [BadRequest, NotFound, ServiceUnavailable],
    }).annotate(OpenApi.Description, "A host's uploads, newest first, with their outcome and summary"),
  )
  .prefix(API_PREFIX) {}

class LinksGroup extends HttpApiGroup.make("links")
  .add(
    HttpApiEndpoint.get("roles", "/roles/archiveLink", {
      headers: identity,
      success: S.Allowed,
      error: [Unauthorized, Forbidden],
    }),
    HttpApiEndpoint.get("archiveLink", "/payloads/:request_id/archiveLink", {
      params: RequestIdParam,
      headers: identity,
      success: S.Link,
      error: [BadRequest, Unauthorized, Forbidden, NotFound, BadGateway, GatewayTimeout],
    }),
    HttpApiEndpoint.get("kibanaLink", "/payloads/:request_id/kibanaLink", {
      params: RequestIdParam,
      query: { service: q("Narrow the Kibana query to one service") },
      success: S.Link,
      error: BadRequest,
    }),
  )
  .prefix(API_PREFIX) {}

class PipelineGroup extends HttpApiGroup.make("pipeline")
  .add(
    HttpApiEndpoint.get("analytics", "/pipeline", {
      query: PipelineParams,
      success: PipelineAnswer,
      error: [BadRequest, ServiceUnavailable],
    }).annotate(
      OpenApi.Description,
      "Per service: stages seen, succeeded, failed, open and stalled now, stage duration percentiles, a time " +
        'series and the top errors; and the flow between services (docs/api.md, "Pipeline analytics")',
    ),
  )
  .prefix(API_PREFIX) {}

/**
 * The `Link: <…>; rel="next"` header of the cursor-paged lists (Views.ts linkNextPage) in the generated OpenAPI.
 * HttpApi declares response headers only through HttpApiSchema.WithHeaders, whose handlers return the header
 * values with the body; the lists set this one on the response after the handler instead, so it is declared
 * on the document itself.
 */
type Json = Record<string, unknown>
const field = (value: unknown, key: string): Json | undefined =>
  typeof value === "object" && value !== null ? ((value as Json)[key] as Json | undefined) : undefined

const declareNextLink = <Spec extends Json>(spec: Spec): Spec => {
  for (const [path, item] of Object.entries(field(spec, "paths") ?? {})) {
    if (!/\/(payloads|statuses)$/u.test(path)) continue
    const ok = field(field(field(item, "get"), "responses"), "200")
    if (ok === undefined) continue
    ok.headers = {
      ...field(ok, "headers"),
      Link: {
        description:
          'RFC 8288 `<path?query&cursor=…>; rel="next"` when the page is full: the next page by keyset (send the ' +
          "cursor back unchanged); absent on the last page",
        schema: { type: "string" },
      },
    }
  }
  return spec
}

export class Api extends HttpApi.make("payload-tracker")
  .add(SystemGroup)
  .add(PayloadsGroup)
  .add(StatusesGroup)
  .add(LinksGroup)
  .add(PipelineGroup)
  .add(HostsGroup)
  .annotateMerge(
    OpenApi.annotations({
      title: "Payload Tracker API",
      version: "1.0.0",
      description: `Every route is also served under ${APP_API_PREFIX}. Errors: {"title","message","status"}.`,
      transform: declareNextLink,
    }),
  ) {}
