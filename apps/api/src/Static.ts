import { existsSync } from "node:fs"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse, HttpStaticServer } from "effect/http"
import { ApiConfig } from "./Config.ts"

/**
 * The web UI's static build under /app/payload-tracker (the path the UI has always lived at), with SPA
 * fallback to index.html. API routes are matched first: the UI's API prefix is rewritten onto /api/v1 before
 * routing (Routing.ts), so nothing under /app/payload-tracker/api/v1 ever reaches these files.
 */
export const APP_PATH = "/app/payload-tracker"
const LANDING = `${APP_PATH}/payloads`

const notBuiltPage = (dir: string) => `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Payload Tracker</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>Payload Tracker</h1>
<p>The web UI has not been built: <code>${dir.replace(/[<&>]/g, "")}</code> has no <code>index.html</code>.</p>
<p>Build it with <code>pnpm --filter @pt/web build</code> (or point <code>WEB_DIST_DIR</code> at a build), then reload.</p>
<p>The API works without it: <a href="/api/v1/payloads">/api/v1/payloads</a>, docs at <a href="/api/v1/docs">/api/v1/docs</a>.</p>
</body></html>`

// `originalUrl` may be absolute (the Node server adds scheme and host): compare the path only.
const isAppRoot = (originalUrl: string) => {
  const path = new URL(originalUrl, "http://localhost").pathname
  return path === APP_PATH || path === `${APP_PATH}/`
}

export const StaticLayer = Layer.effectDiscard(
  Effect.gen(function* () {
    const router = yield* HttpRouter.HttpRouter
    const { webDistDir } = yield* ApiConfig
    const files: Effect.Effect<
      HttpServerResponse.HttpServerResponse,
      unknown,
      HttpServerRequest.HttpServerRequest
    > = existsSync(join(webDistDir, "index.html"))
      ? yield* HttpStaticServer.make({ root: webDistDir, spa: true })
      : Effect.succeed(
          HttpServerResponse.text(notBuiltPage(webDistDir), { contentType: "text/html; charset=utf-8" }),
        )
    const handler = Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
      isAppRoot(request.originalUrl)
        ? Effect.succeed(HttpServerResponse.redirect(LANDING, { status: 302 }))
        : files,
    )
    yield* router.prefixed(APP_PATH).add("GET", "/*", handler)
  }),
)
