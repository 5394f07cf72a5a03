import { fileURLToPath } from "node:url"
import { EmbeddedStoreLayer } from "@pt/adapters-postgres/Embedded"
import { runApp } from "@pt/runtime/Main"
import { Effect, Layer } from "effect"
import { HttpServer } from "effect/http"
import { API_PREFIX } from "./Api.ts"
import { apiConfigFrom } from "./Config.ts"
import { makeApiLayer } from "./Server.ts"
import { MemoryStoreLayer } from "./Store.ts"

/**
 * `pnpm start:embedded`: the API with no external servers — PostgreSQL run in-process by PGlite and persisted
 * to EMBEDDED_DATA_DIR (default <repo>/.data/embedded; EMBEDDED_STORE=memory for the in-memory store), HTTP
 * ingest on, the mock archive-link requestor unless REQUESTOR_IMPL or STORAGEBROKERURL is set. Traffic comes from the mock
 * producer posting to POST /api/v1/statuses.
 */
const dataDir =
  process.env.EMBEDDED_DATA_DIR ?? fileURLToPath(new URL("../../../.data/embedded", import.meta.url))
const useMemory = process.env.EMBEDDED_STORE === "memory"
const store = useMemory ? MemoryStoreLayer : EmbeddedStoreLayer(dataDir)

const config = apiConfigFrom(
  {
    ingestEnabled: true,
    store: "memory",
    // A storage broker (or the mock producer's stand-in) is asked only when one is named.
    ...(process.env.REQUESTOR_IMPL === undefined && process.env.STORAGEBROKERURL === undefined
      ? { requestorImpl: "mock" as const }
      : {}),
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
          useMemory
            ? "Payload Tracker API (embedded, in-memory store: data is lost on exit)"
            : `Payload Tracker API (embedded PostgreSQL/PGlite, data in ${dataDir})`,
          `  API      ${base}${API_PREFIX}/payloads`,
          `  Docs     ${base}${API_PREFIX}/docs`,
          `  Web UI   ${base}/app/payload-tracker`,
          `  Ingest   POST ${base}${API_PREFIX}/statuses`,
          "  Ctrl-C to stop",
          "",
        ].join("\n"),
      ),
    )
    // Started by `./pt start` (scripts/start.ts): tell it we are up — only this process can, whereas anyone
    // on the port could answer an HTTP probe — and stop when it is gone, so no orphan keeps the port.
    if (process.send) {
      process.send({ type: "payload-tracker-api-ready", port })
      process.once("disconnect", () => process.kill(process.pid, "SIGTERM"))
    }
  }),
)

runApp("api", Layer.launch(Banner.pipe(Layer.provideMerge(makeApiLayer({ config, store })))))
