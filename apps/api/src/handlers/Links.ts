import { ArchiveLinkRequestor } from "@pt/domain/ports/ArchiveLinkRequestor"
import { normalizeRequestId } from "@pt/domain/RequestId"
import { Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { BadGateway, BadRequest, GatewayTimeout, NotFound } from "../ApiErrors.ts"
import { ApiConfig } from "../Config.ts"
import { requireRole } from "../Identity.ts"
import { kibanaLink } from "../Kibana.ts"
import { ApiMetrics } from "../Metrics.ts"

export const LinksHandlers = HttpApiBuilder.group(
  Api,
  "links",
  Effect.fn(function* (handlers) {
    const config = yield* ApiConfig
    const requestor = yield* ArchiveLinkRequestor
    const metrics = yield* ApiMetrics

    const uuid = (raw: string) => {
      const id = normalizeRequestId(raw)
      if (id !== undefined) return Effect.succeed(id)
      metrics.apiInvalidRequestIds.inc()
      return Effect.fail(BadRequest.of(`${raw} is not a valid UUID`))
    }

    return handlers.handleAll({
      roles: ({ headers }) =>
        requireRole(headers["x-rh-identity"], config.storageBrokerRole).pipe(Effect.as({ allowed: true })),

      archiveLink: ({ headers, params }) =>
        Effect.gen(function* () {
          yield* requireRole(headers["x-rh-identity"], config.storageBrokerRole)
          const id = yield* uuid(params.request_id)
          const url = yield* requestor
            .requestUrl(id)
            .pipe(
              Effect.mapError((e) =>
                e.reason === "timeout" ? GatewayTimeout.of(e.message) : BadGateway.of(e.message),
              ),
            )
          if (url === undefined) return yield* NotFound.of("Payload not found")
          return { url }
        }),

      kibanaLink: ({ params, query }) =>
        Effect.map(uuid(params.request_id), (id) => ({ url: kibanaLink(config, id, query.service) })),
    })
  }),
)
