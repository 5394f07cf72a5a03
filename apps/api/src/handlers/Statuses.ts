import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { statusPosition } from "@pt/domain/Queries"
import { successRate } from "@pt/domain/Stats"
import { Micros } from "@pt/domain/Timestamp"
import { Clock, Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { ApiConfig } from "../Config.ts"
import { ingestRequest } from "../Ingest.ts"
import { ApiMetrics } from "../Metrics.ts"
import { statusListQuery } from "../QueryParams.ts"
import { linkNextPage } from "../Views.ts"
import { elapsedSince, orUnavailable, validated } from "./Common.ts"

export const StatusesHandlers = HttpApiBuilder.group(
  Api,
  "statuses",
  Effect.fn(function* (handlers) {
    const queries = yield* PayloadQueries
    const store = yield* PayloadStore
    const feed = yield* StatusFeed
    const config = yield* ApiConfig
    const metrics = yield* ApiMetrics

    return handlers
      .handleAll({
        list: ({ query, request }) =>
          Effect.gen(function* () {
            const start = yield* Clock.currentTimeNanos
            const q = yield* validated(statusListQuery(query, config))
            const page = yield* orUnavailable(queries.listStatuses(q))
            yield* linkNextPage(request, "statuses", q, page.data, (s) => statusPosition(s, q.sortBy))
            return { count: page.count, elapsed: yield* elapsedSince(start), data: page.data }
          }),
        stats: ({ query }) =>
          Effect.gen(function* () {
            const now = (yield* Clock.currentTimeMillis) * 1000
            const since = Micros.make(query.since ?? now - 24 * 3_600_000_000)
            const data = yield* orUnavailable(successRate(since))
            return { stat: query.stat ?? "SuccessRate", since, data }
          }).pipe(Effect.provideService(PayloadQueries, queries)),
      })
      .handleRaw("ingest", ({ request }) =>
        ingestRequest(request, config, metrics).pipe(
          Effect.provideService(PayloadStore, store),
          Effect.provideService(StatusFeed, feed),
        ),
      )
  }),
)
