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
import * as S from "./Schemas.ts"

/**
 * The REST API v1 contract (docs/api.md) as one HttpApi: handlers, openapi.json and the Swagger page all come
 * from here. Routes live under API_PREFIX; the UI's prefix (/app/payload-tracker/api/v1) is rewritten onto it
 * before routing (see Routing.ts), so both serve the same endpoints.
 */
export const API_PREFIX = "/api/v1"
export const APP_API_PREFIX = "/app/payload-tracker/api/v1"

// Query parameters are declared as optional strings (for the docs) and validated by QueryParams.ts, which
// produces the exact 400 messages and validation order of the spec.
const q = (description: string) => Schema.optional(Schema.String).annotate({ description })
const timeFilters = (field: string) => ({
  [`${field}_lt`]: q(`${field} < value (RFC 3339)`),
  [`${field}_lte`]: q(`${field} <= value (RFC 3339)`),
  [`${field}_gt`]: q(`${field} > value (RFC 3339)`),
  [`${field}_gte`]: q(`${field} >= value (RFC 3339)`),
})
const paging = {
  page: q("Zero-based page, default 0; (page + 1) * page_size at most API_MAX_RESULT_WINDOW (default 10000)"),
  page_size: q("1..1000, default 10"),
  sort_dir: q("asc or desc, default desc"),
  cursor: q(
    'Keyset paging: the page after the row a cursor points at. A full page answers `Link: <…>; rel="next"` ' +
      "with the next page's URL (this parameter set); not with page > 0, and only with the sort_by and " +
      "sort_dir it was made for. Walks any depth at the cost of a first page.",
  ),
}
const Lubdub = Schema.String.pipe(HttpApiSchema.asText())
const RequestIdParam = {
  request_id: Schema.String.annotate({ description: "32 hex characters or a dashed UUID" }),
}
const identity = { "x-rh-identity": Schema.optional(Schema.String) }

export class SystemGroup extends HttpApiGroup.make("system").add(
  HttpApiEndpoint.get("root", "/", { success: Lubdub }),
  HttpApiEndpoint.get("health", "/health", { success: Lubdub, error: ServiceUnavailable }),
  HttpApiEndpoint.get("live", "/live", { success: Lubdub }),
  HttpApiEndpoint.get("ready", "/ready", { success: Lubdub, error: ServiceUnavailable }),
) {}

export class PayloadsGroup extends HttpApiGroup.make("payloads")
  .add(
    HttpApiEndpoint.get("root", "/", { success: Lubdub }),
    HttpApiEndpoint.get("list", "/payloads", {
      query: {
        account: q("Exact match"),
        org_id: q("Exact match"),
        inventory_id: q("Exact match"),
        system_id: q("Exact match"),
        request_id: q("Exact match (normalised like the consumer does)"),
        ...timeFilters("created_at"),
        sort_by: q("account, org_id, inventory_id, system_id, created_at (default)"),
        ...paging,
      },
      success: S.PayloadList,
      error: [BadRequest, ServiceUnavailable],
    }),
    HttpApiEndpoint.get("track", "/payloads/:request_id", {
      params: RequestIdParam,
      query: {
        sort_by: q("service, source, status, status_msg, date (default), created_at"),
        sort_dir: q("asc or desc (default)"),
        verbosity: q("0 (default, full), 1 or 2"),
      },
      success: S.PayloadHistory,
      error: [BadRequest, NotFound, ServiceUnavailable],
    }),
    HttpApiEndpoint.get("events", "/payloads/:request_id/events", {
      params: RequestIdParam,
      success: HttpApiSchema.StreamSse({ data: S.StatusEventData }).annotate({
        description:
          "Server-Sent Events: `connected` once, then one `status` event per newly stored status of the payload; " +
          "`: heartbeat` comments every 15 s",
      }),
      error: [BadRequest, ServiceUnavailable],
    }),
  )
  .prefix(API_PREFIX) {}

export class StatusesGroup extends HttpApiGroup.make("statuses")
  .add(
    HttpApiEndpoint.get("list", "/statuses", {
      query: {
        service: q("Exact match, case-insensitive"),
        source: q("Exact match, case-insensitive"),
        status: q("Exact match, case-insensitive"),
        status_msg: q("Exact match"),
        request_id: q("Exact match"),
        ...timeFilters("date"),
        ...timeFilters("created_at"),
        sort_by: q("service, source, request_id, status, status_msg, date (default), created_at"),
        ...paging,
      },
      success: S.StatusList,
      error: [BadRequest, ServiceUnavailable],
    }),
    HttpApiEndpoint.post("ingest", "/statuses", {
      payload: S.IngestBody,
      success: S.IngestResult.pipe(HttpApiSchema.status(202)),
      error: [BadRequest, NotFound, PayloadTooLarge, ServiceUnavailable],
    }),
    HttpApiEndpoint.get("stats", "/stats", {
      query: { stat: q("SuccessRate (default)"), since: q("RFC 3339, default 24 h ago") },
      success: S.SuccessRate,
      error: [BadRequest, ServiceUnavailable],
    }),
  )
  .prefix(API_PREFIX) {}

export class LinksGroup extends HttpApiGroup.make("links")
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

export class Api extends HttpApi.make("payload-tracker")
  .add(SystemGroup)
  .add(PayloadsGroup)
  .add(StatusesGroup)
  .add(LinksGroup)
  .annotateMerge(
    OpenApi.annotations({
      title: "Payload Tracker API",
      version: "1.0.0",
      description: `Every route is also served under ${APP_API_PREFIX}. Errors: {"title","message","status"}.`,
    }),
  ) {}
