import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import { Effect } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { unavailable } from "./Common.ts"

/** `/`, `/health`, `/live`, `/ready`: unprefixed, for probes and the legacy `lubdub` check. */
export const SystemHandlers = HttpApiBuilder.group(
  Api,
  "system",
  Effect.fn(function* (handlers) {
    const store = yield* PayloadStore
    const ping = store.ping.pipe(Effect.as("OK"), Effect.mapError(unavailable))
    return handlers.handleAll({
      root: () => Effect.succeed("lubdub"),
      health: () => ping,
      live: () => Effect.succeed("OK"),
      // The store adapters run their migrations before they answer a ping, so a ping is readiness.
      ready: () => ping,
    })
  }),
)
