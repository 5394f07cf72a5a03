import { Schema } from "effect"
import { HttpServerResponse } from "effect/http"

/**
 * The one error body of docs/api.md: `{"title": "<reason phrase>", "message": "...", "status": <code>}`.
 * Plain `Schema.Error` classes (not tagged) so the encoded body has exactly these three keys, in this order;
 * the HTTP status lives on each class (`httpApiStatus`), and only the API decides which status an error gets.
 */
const fields = { title: Schema.String, message: Schema.String, status: Schema.Int }

const reason = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  413: "Payload Too Large",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
} as const
export type ErrorStatus = keyof typeof reason

export const errorBody = (status: ErrorStatus, message: string) => ({
  title: reason[status],
  message,
  status,
})
const body = errorBody

export class BadRequest extends Schema.Error<BadRequest>("BadRequest")(fields, { httpApiStatus: 400 }) {
  static readonly of = (message: string) => new BadRequest(body(400, message))
}
export class Unauthorized extends Schema.Error<Unauthorized>("Unauthorized")(fields, { httpApiStatus: 401 }) {
  static readonly of = (message: string) => new Unauthorized(body(401, message))
}
export class Forbidden extends Schema.Error<Forbidden>("Forbidden")(fields, { httpApiStatus: 403 }) {
  static readonly of = (message: string) => new Forbidden(body(403, message))
}
export class NotFound extends Schema.Error<NotFound>("NotFound")(fields, { httpApiStatus: 404 }) {
  static readonly of = (message: string) => new NotFound(body(404, message))
}
export class PayloadTooLarge extends Schema.Error<PayloadTooLarge>("PayloadTooLarge")(fields, {
  httpApiStatus: 413,
}) {
  static readonly of = (message: string) => new PayloadTooLarge(body(413, message))
}
export class BadGateway extends Schema.Error<BadGateway>("BadGateway")(fields, { httpApiStatus: 502 }) {
  static readonly of = (message: string) => new BadGateway(body(502, message))
}
export class ServiceUnavailable extends Schema.Error<ServiceUnavailable>("ServiceUnavailable")(fields, {
  httpApiStatus: 503,
}) {
  static readonly of = (message: string) => new ServiceUnavailable(body(503, message))
}
export class GatewayTimeout extends Schema.Error<GatewayTimeout>("GatewayTimeout")(fields, {
  httpApiStatus: 504,
}) {
  static readonly of = (message: string) => new GatewayTimeout(body(504, message))
}

/** The same body outside HttpApi (router-level 404/405, decoding failures, defects). */
export const errorResponse = (
  status: ErrorStatus,
  message: string,
  headers?: Record<string, string>,
): HttpServerResponse.HttpServerResponse =>
  HttpServerResponse.jsonUnsafe(body(status, message), { status, ...(headers ? { headers } : {}) })
