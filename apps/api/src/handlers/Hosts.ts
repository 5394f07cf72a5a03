import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { microsFromMillis } from "@pt/domain/Timestamp"
import { Clock, Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { NotFound } from "../ApiErrors.ts"
import { ApiConfig } from "../Config.ts"
import { hostView } from "../HostSchemas.ts"
import { hostHistoryQuery } from "../QueryParams.ts"
import { orUnavailable, validated } from "./Common.ts"

export const HostsHandlers = HttpApiBuilder.group(
  Api,
  "hosts",
  Effect.fn(function* (handlers) {
    const queries = yield* PayloadQueries
    const config = yield* ApiConfig
    const stalledAfter = microsFromMillis(config.stalledAfterMs)

    return handlers.handleAll({
      history: ({ query }) =>
        Effect.gen(function* () {
          const host = yield* validated(hostHistoryQuery(query))
          // One clock reading for the store's `succeeded` and every upload's outcome, so they agree.
          const now = microsFromMillis(yield* Clock.currentTimeMillis)
          const history = yield* orUnavailable(queries.hostHistory({ ...host, now, stalledAfter }))
          if (history === undefined) {
            const [field, value] =
              host.inventory_id !== undefined
                ? ["inventory_id", host.inventory_id]
                : ["system_id", host.system_id ?? ""]
            return yield* NotFound.of(`no payload with ${field}: ${value} found`)
          }
          return hostView(history, { now, stalledAfter })
        }),
    })
  }),
)
