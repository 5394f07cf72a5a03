import { NodeRuntime } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { HttpServer } from "effect/http"
import { API_PREFIX } from "./Api.ts"
import { apiConfigFrom } from "./Config.ts"
import { makeApiLayer } from "./Server.ts"
import { MemoryStoreLayer } from "./Store.ts"

/**
 * `pnpm start:embedded`: the API with no external servers — in-memory store (PGlite's EmbeddedStoreLayer
 * replaces it when the PostgreSQL adapter lands), HTTP ingest on, the mock archive-link requestor unless
 * REQUESTOR_IMPL says otherwise. Traffic comes from the mock producer posting to POST /api/v1/statuses.
 */
const config = apiConfigFrom(
  {
    ingestEnabled: true,
    store: "memory",
    ...(process.env.REQUESTOR_IMPL === undefined ? { requestorImpl: "mock" as const } : {}),
  },
  process.env,
)

const Banner = Layer.effectDiscard(
  Effect.gen(function* () {
    const server = yield* HttpServer.HttpServer
    const port = "port" in server.address ? server.address.port : 0
    const base = `http://localhost:${port}`
    yield* Effect.sync(() =>
      console.log(
        [
          "",
          "Payload Tracker API (embedded, in-memory store: data is lost on exit)",
          `  API      ${base}${API_PREFIX}/payloads`,
          `  Docs     ${base}${API_PREFIX}/docs`,
          `  Web UI   ${base}/app/payload-tracker`,
          `  Ingest   POST ${base}${API_PREFIX}/statuses`,
          "  Ctrl-C to stop",
          "",
        ].join("\n"),
      ),
    )
  }),
)

Layer.launch(Banner.pipe(Layer.provideMerge(makeApiLayer({ config, store: MemoryStoreLayer })))).pipe(
  NodeRuntime.runMain,
)
