import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { payloadPosition } from "@pt/domain/Queries"
import { normalizeRequestId } from "@pt/domain/RequestId"
import { microsFromMillis } from "@pt/domain/Timestamp"
import { StalledAfter, trackPayload } from "@pt/domain/Track"
import { Clock, Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { BadRequest, NotFound } from "../ApiErrors.ts"
import { ApiConfig } from "../Config.ts"
import { ApiMetrics } from "../Metrics.ts"
import { payloadListQuery } from "../QueryParams.ts"
import { ShutdownSignal } from "../Shutdown.ts"
import { liveEventsResponse } from "../Sse.ts"
import { summaryView } from "../SummarySchemas.ts"
import { historyView, linkNextPage } from "../Views.ts"
import { elapsedSince, orUnavailable, validated } from "./Common.ts"

export const PayloadsHandlers = HttpApiBuilder.group(
  Api,
  "payloads",
  Effect.fn(function* (handlers) {
    const queries = yield* PayloadQueries
    const feed = yield* StatusFeed
    const config = yield* ApiConfig
    const metrics = yield* ApiMetrics
    const stalledAfter = microsFromMillis(config.stalledAfterMs)
    const shutdown = yield* ShutdownSignal

    return handlers.handleAll({
      root: () => Effect.succeed("lubdub"),

      list: ({ query, request }) =>
        Effect.gen(function* () {
          const start = yield* Clock.currentTimeNanos
          // One clock reading decides `stalled` for the filter and for every item's summary, so they agree.
          const at = { now: microsFromMillis(yield* Clock.currentTimeMillis), stalledAfter }
          const q = { ...(yield* validated(payloadListQuery(query, config))), outcomeAt: at }
          const page = yield* orUnavailable(queries.listPayloads(q))
          yield* linkNextPage(request, "payloads", q, page.data, (p) => payloadPosition(p, q.sortBy))
          // The summary is answered only when asked for (a store may read it for the outcome filter too).
          const data = page.data.map(({ summary, ...p }) =>
            q.withSummary && summary !== undefined ? { ...p, summary: summaryView(summary, at) } : p,
          )
          return { count: page.count, elapsed: yield* elapsedSince(start), data }
        }),

      track: ({ params, query }) =>
        Effect.gen(function* () {
          const verbosity = query.verbosity ?? 0
          const notFound = NotFound.of(`payload with id: ${params.request_id} not found`)
          const id = normalizeRequestId(params.request_id)
          if (id === undefined) return yield* notFound
          const track = yield* orUnavailable(
            trackPayload(id, query.sort_by ?? "date", query.sort_dir ?? "desc"),
          )
          if (track === undefined) return yield* notFound
          return {
            data: track.statuses.map((s) => historyView(track.payload, s, verbosity)),
            duration: track.duration,
          }
        }).pipe(
          Effect.provideService(PayloadQueries, queries),
          Effect.provideService(StalledAfter, stalledAfter),
        ),

      events: ({ params }) =>
        Effect.gen(function* () {
          const id = normalizeRequestId(params.request_id)
          if (id === undefined) {
            metrics.apiInvalidRequestIds.inc()
            return yield* BadRequest.of(`${params.request_id} is not a valid UUID`)
          }
          return yield* liveEventsResponse(id, shutdown).pipe(
            Effect.provideService(PayloadQueries, queries),
            Effect.provideService(StatusFeed, feed),
          )
        }),
    })
  }),
)
