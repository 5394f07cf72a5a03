import { Effect, Scope } from "effect"
import { HttpRouter } from "effect/http"
import { HttpApiSwagger } from "effect/http-api"
import { API_PREFIX, Api } from "./Api.ts"

const DOCS_PATH = `${API_PREFIX}/docs` as const

/**
 * The Swagger page (`/api/v1/docs`), loaded on its first request rather than at start-up. Swagger UI's bundle
 * is ≈ 3.5 MB of JavaScript that the library holds as a string module; loaded at start it kept ≈ 7.5 MB of
 * heap (its source and its value) in every API process, for a page few requests ever ask for. The page itself
 * is still the library's (HttpApiSwagger), built once and reused.
 */
export const SwaggerLayer = HttpRouter.use((router) =>
  Effect.gen(function* () {
    // The page's own router lives as long as the server's.
    const scope = yield* Scope.Scope
    const page = yield* Effect.cached(
      HttpRouter.toHttpEffect(HttpApiSwagger.layer(Api, { path: DOCS_PATH })).pipe(Scope.provide(scope)),
    )
    yield* router.add("GET", DOCS_PATH, Effect.flatten(page))
  }),
)
