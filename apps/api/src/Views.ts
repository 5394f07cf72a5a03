import type { Payload, StoredStatus } from "@pt/domain/Payload"
import type { After, Paging, SortDir } from "@pt/domain/Queries"
import { formatTimestamp } from "@pt/domain/Timestamp"
import { Effect } from "effect"
import { HttpEffect, type HttpServerRequest, HttpServerResponse } from "effect/http"
import { encodeCursor } from "./QueryParams.ts"
import type { HistoryStatus, StatusItem } from "./Schemas.ts"

/**
 * Domain rows → the wire shapes of docs/api.md. Objects are built in the spec's key order and empty values are
 * left out here (the schemas keep that order when encoding).
 */
type Mutable<A> = { -readonly [K in keyof A]: A[K] }

export const payloadView = (p: Payload) => ({
  id: p.id,
  request_id: p.request_id,
  account: p.account,
  inventory_id: p.inventory_id,
  system_id: p.system_id,
  created_at: formatTimestamp(p.created_at),
  org_id: p.org_id,
})

const put = <A extends object>(target: A, key: keyof A & string, value: string) => {
  if (value !== "") (target as Record<string, unknown>)[key] = value
}

/** A status of `/payloads/{request_id}` at verbosity 0 (full), 1 or 2. */
export const historyView = (payload: Payload, s: StoredStatus, verbosity: 0 | 1 | 2): HistoryStatus => {
  const out: Mutable<HistoryStatus> = {}
  if (verbosity === 0) {
    out.id = payload.id
    put(out, "service", s.service)
    put(out, "source", s.source)
    put(out, "account", payload.account)
    put(out, "org_id", payload.org_id)
    put(out, "request_id", s.request_id)
    put(out, "inventory_id", payload.inventory_id)
    put(out, "system_id", payload.system_id)
    put(out, "created_at", formatTimestamp(s.created_at))
    put(out, "status", s.status)
    put(out, "status_msg", s.status_msg)
  } else if (verbosity === 1) {
    put(out, "service", s.service)
    put(out, "inventory_id", payload.inventory_id)
    put(out, "status", s.status)
    put(out, "status_msg", s.status_msg)
  } else {
    put(out, "service", s.service)
    put(out, "status", s.status)
  }
  put(out, "date", formatTimestamp(s.date))
  return out
}

/** An item of `/statuses`: the payload id as a string, as the Go service sends it. */
export const statusView = (s: StoredStatus): StatusItem => {
  const out: Mutable<StatusItem> = {}
  put(out, "request_id", s.request_id)
  put(out, "status", s.status)
  put(out, "id", String(s.payload_id))
  put(out, "service", s.service)
  put(out, "source", s.source)
  put(out, "status_msg", s.status_msg)
  put(out, "date", formatTimestamp(s.date))
  put(out, "created_at", formatTimestamp(s.created_at))
  return out
}

// Past this a cursor (a long status_msg sort key) would not fit the request line a client can send back
// (Node answers 431 past ≈16 KB of headers), so such a page gets no Link; offset paging still reaches it.
const MAX_CURSOR_LENGTH = 4096

/**
 * RFC 8288 `Link: <…>; rel="next"`: the client's own path (prefix included) and query, without `page`, with
 * `cursor` set. Path-absolute: the host is not repeated from the request's Host header, which a client controls.
 */
export const nextLink = (originalUrl: string, cursor: string): string => {
  // The server's originalUrl is absolute (scheme and host added); only its path and query are the client's.
  const url = new URL(originalUrl, "http://localhost")
  const params = url.searchParams
  params.delete("page")
  params.delete("cursor")
  params.set("cursor", cursor)
  return `<${url.pathname}?${params.toString()}>; rel="next"`
}

/**
 * A full page of a list answer gets a `Link` header to the page after its last row (keyset paging). Only a
 * header: the body stays byte for byte what clients of `page` get. A page that is not full is the last one.
 */
export const linkNextPage = <A>(
  request: HttpServerRequest.HttpServerRequest,
  endpoint: "payloads" | "statuses",
  query: Paging & { readonly sortBy: string; readonly sortDir: SortDir },
  rows: ReadonlyArray<A>,
  position: (row: A) => After,
): Effect.Effect<void, never, HttpServerRequest.HttpServerRequest> => {
  const last = rows[rows.length - 1]
  if (last === undefined || rows.length < query.pageSize) return Effect.void
  const cursor = encodeCursor(endpoint, query.sortBy, query.sortDir, position(last))
  if (cursor.length > MAX_CURSOR_LENGTH) return Effect.void
  const link = nextLink(request.originalUrl, cursor)
  return HttpEffect.appendPreResponseHandler((_, response) =>
    Effect.succeed(HttpServerResponse.setHeader(response, "link", link)),
  )
}
