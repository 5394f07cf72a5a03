import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { microsFromMillis } from "@pt/domain/Timestamp"
import { Clock, Effect } from "effect"
import { HttpServerResponse } from "effect/http"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { ApiConfig } from "../Config.ts"
import { pipelineAnswer, pipelineJson, pipelineQuery } from "../PipelineSchemas.ts"
import { orUnavailable, validated } from "./Common.ts"

export const PipelineHandlers = HttpApiBuilder.group(
  Api,
  "pipeline",
  Effect.fn(function* (handlers) {
    const queries = yield* PayloadQueries
    const config = yield* ApiConfig
    const stalledAfter = microsFromMillis(config.stalledAfterMs)

    return handlers.handleAll({
      analytics: ({ query }) =>
        Effect.gen(function* () {
          // One clock reading: the default window and `stalled_now` agree on "now".
          const now = microsFromMillis(yield* Clock.currentTimeMillis)
          const q = yield* validated(pipelineQuery(query, now, stalledAfter))
          const answer = pipelineAnswer(q, yield* orUnavailable(queries.pipelineAnalytics(q)))
          // PipelineAnswer's JSON (the endpoint's schema, for OpenAPI), series encoded once per kept answer.
          return HttpServerResponse.text(pipelineJson(answer), { contentType: "application/json" })
        }),
    })
  }),
)
