import type { Payload, StoredStatus } from "@pt/domain/Payload"
import type { After, Paging, SortDir } from "@pt/domain/Queries"
import { Effect } from "effect"
import { HttpEffect, type HttpServerRequest, HttpServerResponse } from "effect/http"
import { encodeCursor } from "./QueryParams.ts"
import type { HistoryStatus } from "./Schemas.ts"

/**
 * A status of `/payloads/{request_id}` at verbosity 0 (full), 1 or 2. The schema (Schemas.HistoryStatus) encodes
 * the values (timestamps, empty text left out) in the spec's key order; which keys a verbosity shows is a choice
 * of the request, not something a schema can read from the value, so it is made here.
 */
export const historyView = (payload: Payload, s: StoredStatus, verbosity: 0 | 1 | 2): HistoryStatus => {
  switch (verbosity) {
    case 0:
      return {
        id: payload.id,
        service: s.service,
        source: s.source,
        account: payload.account,
        org_id: payload.org_id,
        request_id: s.request_id,
        inventory_id: payload.inventory_id,
        system_id: payload.system_id,
        created_at: s.created_at,
        status: s.status,
        status_msg: s.status_msg,
        date: s.date,
      }
    case 1:
      return {
        service: s.service,
        inventory_id: payload.inventory_id,
        status: s.status,
        status_msg: s.status_msg,
        date: s.date,
      }
    case 2:
      return { service: s.service, status: s.status, date: s.date }
  }
}

// Past this a cursor (a long status_msg sort key) would not fit the request line a client can send back
// (Node answers 431 past ≈16 KB of headers), so such a page gets no Link; offset paging still reaches it.
const MAX_CURSOR_LENGTH = 4096

/**
 * RFC 8288 `Link: <…>; rel="next"`: the client's own path (prefix included) and query, without `page`, with
 * `cursor` set. Path-absolute: the host is not repeated from the request's Host header, which a client controls.
 */
const nextLink = (originalUrl: string, cursor: string): string => {
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
