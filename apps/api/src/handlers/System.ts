import { StoreSchema } from "@pt/adapters-postgres/PostgresStore"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import { Effect, Option } from "effect"
import { HttpApiBuilder } from "effect/http-api"
import { Api } from "../Api.ts"
import { ServiceUnavailable } from "../ApiErrors.ts"
import { orUnavailable } from "./Common.ts"

/** `/`, `/health`, `/live`, `/ready`: unprefixed, for probes and the legacy `lubdub` check. */
export const SystemHandlers = HttpApiBuilder.group(
  Api,
  "system",
  Effect.fn(function* (handlers) {
    const store = yield* PayloadStore
    const ping = store.ping.pipe(orUnavailable, Effect.as("OK"))
    // Ready = the database answers and (PostgreSQL) no migration is pending.
    const schema = yield* Effect.serviceOption(StoreSchema)
    const ready = Effect.flatMap(ping, (ok) =>
      Option.match(schema, {
        onNone: () => Effect.succeed(ok),
        onSome: (s) =>
          s.pendingMigrations.pipe(
            orUnavailable,
            Effect.flatMap((pending) =>
              pending.length === 0
                ? Effect.succeed(ok)
                : Effect.fail(ServiceUnavailable.of(`database migrations pending: ${pending.join(", ")}`)),
            ),
          ),
      }),
    )
    return handlers.handleAll({
      root: () => Effect.succeed("lubdub"),
      health: () => ping,
      live: () => Effect.succeed("OK"),
      ready: () => ready,
    })
  }),
)
