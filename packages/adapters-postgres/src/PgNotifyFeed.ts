import { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { normalizeRequestId, type RequestId } from "@pt/domain/RequestId"
import { Effect, Layer, PubSub, Stream } from "effect"
import pg from "pg"
import { directConfig, type PostgresConfig, pgConnection } from "./PostgresConfig.ts"
import type { SqlClient } from "./SqlClient.ts"

export const STATUS_CHANNEL = "payload_tracker_statuses"
// NOTIFY payloads must stay under 8000 bytes; request ids are 32 ASCII chars plus a comma.
const MAX_PAYLOAD_BYTES = 7_900
const RETRY_MIN_MS = 500
const RETRY_MAX_MS = 10_000

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
 * The LISTEN connection goes to DATABASE_DIRECT_URL when set: behind a transaction pooler the LISTEN would hold
 * on whichever server connection ran it, and the notifications would go to no client. The NOTIFY is a statement
 * like any other and goes through the pool.
 */
export const PgNotifyFeedLayer = (
  sql: SqlClient["Service"],
  config: PostgresConfig,
): Layer.Layer<StatusFeed> =>
  Layer.effect(
    StatusFeed,
    Effect.gen(function* () {
      const listenAt = directConfig(config)
      const hub = yield* PubSub.unbounded<RequestId>()
      const services = yield* Effect.context<never>()
      // Effects run from pg's callbacks get the layer's services, its logger included: Effect.runFork alone
      // would log through Effect's default (pretty, non-JSON) logger.
      const run = Effect.runForkWith(services)
      const offer = (ids: Array<RequestId>) => run(PubSub.publishAll(hub, ids))
      let client: pg.Client | undefined
      let closed = false
      let retry: ReturnType<typeof setTimeout> | undefined
      // During an outage the first loss is a warning, the failed attempts after it are debug lines, and the
      // reconnect is logged once with how long the feed was down; the delay doubles up to RETRY_MAX_MS.
      let lostAt: number | undefined
      let attempts = 0

      const connect = (): void => {
        const c = new pg.Client(pgConnection(listenAt))
        client = c
        const reconnect = (error?: Error) => {
          c.removeAllListeners()
          c.on("error", () => undefined) // a late error of the dropped client must not crash the process
          c.end().catch(() => undefined)
          if (closed || retry !== undefined) return
          const reason = error?.message ?? "connection ended"
          if (lostAt === undefined) {
            lostAt = Date.now()
            run(Effect.logWarning(`status feed connection lost, reconnecting: ${reason}`))
          } else {
            run(Effect.logDebug(`status feed reconnect attempt ${attempts} failed: ${reason}`))
          }
          const delay = Math.min(RETRY_MIN_MS * 2 ** attempts, RETRY_MAX_MS)
          attempts += 1
          retry = setTimeout(() => {
            retry = undefined
            connect()
          }, delay)
        }
        c.on("notification", (msg) => {
          if (msg.channel === STATUS_CHANNEL && msg.payload)
            offer(msg.payload.split(",").flatMap((id) => normalizeRequestId(id) ?? []))
        })
        c.on("error", reconnect)
        c.on("end", () => reconnect())
        c.connect()
          .then(() => c.query(`listen ${STATUS_CHANNEL}`))
          .then(() => {
            if (lostAt !== undefined)
              run(
                Effect.logInfo(
                  `status feed reconnected after ${((Date.now() - lostAt) / 1000).toFixed(1)} s (${attempts} attempts)`,
                ),
              )
            lostAt = undefined
            attempts = 0
          })
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
          return sql
            .query("select pg_notify($1, chunk) from unnest($2::text[]) as chunk", [STATUS_CHANNEL, chunks])
            .pipe(
              // The statuses are stored already: a lost notification only delays a live view, never the write.
              Effect.catch((e) => Effect.logWarning("status feed: NOTIFY failed", e)),
              Effect.asVoid,
            )
        },
        subscribe: Stream.fromPubSub(hub),
      })
    }),
  )
