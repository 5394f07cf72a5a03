import { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { Effect, Layer, PubSub, Redacted, Stream } from "effect"
import pg from "pg"
import type { PostgresConfig } from "./PostgresConfig.ts"
import type { SqlClient } from "./SqlClient.ts"

export const STATUS_CHANNEL = "payload_tracker_statuses"
// NOTIFY payloads must stay under 8000 bytes; request ids are 32 ASCII chars plus a comma.
const MAX_PAYLOAD_BYTES = 7_900

/** Comma-separated request ids, each chunk under the NOTIFY payload limit. */
export const notifyChunks = (requestIds: Iterable<string>): Array<string> => {
  const chunks: Array<string> = []
  let current = ""
  for (const id of requestIds) {
    if (current !== "" && current.length + id.length + 1 > MAX_PAYLOAD_BYTES) {
      chunks.push(current)
      current = ""
    }
    current = current === "" ? id : `${current},${id}`
  }
  if (current !== "") chunks.push(current)
  return chunks
}

/**
 * StatusFeed across processes: the consumer NOTIFYs after its batch committed, every API instance LISTENs on a
 * dedicated connection (outside the pool: a pooled connection would lose its LISTEN when released) and
 * reconnects when the connection drops. In-process subscribers receive the ids through a PubSub.
 */
export const PgNotifyFeedLayer = (sql: SqlClient, config: PostgresConfig): Layer.Layer<StatusFeed> =>
  Layer.effect(
    StatusFeed,
    Effect.gen(function* () {
      const hub = yield* PubSub.unbounded<string>()
      const services = yield* Effect.context<never>()
      const offer = (ids: Array<string>) => Effect.runForkWith(services)(PubSub.publishAll(hub, ids))
      let client: pg.Client | undefined
      let closed = false
      let retry: ReturnType<typeof setTimeout> | undefined

      const connect = (): void => {
        const c = new pg.Client({
          host: config.host,
          port: config.port,
          user: config.user,
          password: Redacted.value(config.password),
          database: config.database,
          ...(config.sslMode === "require" || config.sslMode.startsWith("verify")
            ? { ssl: { rejectUnauthorized: config.sslMode.startsWith("verify") } }
            : {}),
        })
        client = c
        const reconnect = (error?: Error) => {
          if (error) Effect.runFork(Effect.logWarning(`status feed connection lost: ${error.message}`))
          c.removeAllListeners()
          c.end().catch(() => undefined)
          if (!closed && retry === undefined)
            retry = setTimeout(() => {
              retry = undefined
              connect()
            }, 1_000)
        }
        c.on("notification", (msg) => {
          if (msg.channel === STATUS_CHANNEL && msg.payload) offer(msg.payload.split(","))
        })
        c.on("error", reconnect)
        c.on("end", () => reconnect())
        c.connect()
          .then(() => c.query(`listen ${STATUS_CHANNEL}`))
          .catch((e: Error) => reconnect(e))
      }

      connect()
      yield* Effect.addFinalizer(() =>
        Effect.promise(async () => {
          closed = true
          if (retry !== undefined) clearTimeout(retry)
          client?.removeAllListeners()
          await client?.end().catch(() => undefined)
        }),
      )

      return StatusFeed.of({
        publish: (events) => {
          const chunks = notifyChunks(new Set(events.map((e) => e.request_id)))
          return Effect.tryPromise(() =>
            sql.query("select pg_notify($1, chunk) from unnest($2::text[]) as chunk", [
              STATUS_CHANNEL,
              chunks,
            ]),
          ).pipe(
            // The statuses are stored already: a lost notification only delays a live view, never the write.
            Effect.catch((e) => Effect.logWarning("status feed: NOTIFY failed", e)),
            Effect.asVoid,
          )
        },
        subscribe: Stream.fromPubSub(hub),
      })
    }),
  )
