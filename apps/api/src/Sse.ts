import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { Duration, Effect, Stream } from "effect"
import { HttpServerResponse } from "effect/http"
import { historyView } from "./Views.ts"

/**
 * Live statuses of one payload as Server-Sent Events (issue 6's live view). The feed only says "statuses of
 * request X were stored"; the stream then reads the payload's history and sends the statuses it has not sent
 * yet (by status id), so a missed or coalesced notification never loses a status.
 */
export const HEARTBEAT = Duration.seconds(15)

const frame = (event: string, data: unknown, id?: number): string =>
  `${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

export const payloadEvents = (requestId: string, heartbeat: Duration.Input = HEARTBEAT) =>
  Stream.unwrap(
    Effect.gen(function* () {
      const queries = yield* PayloadQueries
      const feed = yield* StatusFeed
      // Subscribe before reading the snapshot, so a status stored in between is announced, not lost.
      const pull = yield* Stream.toPull(feed.subscribe)
      const notified = Stream.fromPull(Effect.succeed(pull))
      const seen = new Set<number>()
      const snapshot = yield* queries.payloadHistory(requestId)
      for (const s of snapshot?.statuses ?? []) seen.add(s.status_id)

      const fresh = queries.payloadHistory(requestId).pipe(
        Effect.map((history) => {
          if (history === undefined) return []
          const news = history.statuses.filter((s) => !seen.has(s.status_id)).sort((a, b) => a.date - b.date)
          for (const s of news) seen.add(s.status_id)
          return news.map((s) => frame("status", historyView(history.payload, s, 0), s.status_id))
        }),
      )
      const updates = notified.pipe(
        Stream.filter((id) => id === requestId),
        Stream.mapEffect(() => fresh),
        Stream.flatMap(Stream.fromIterable),
      )
      const heartbeats = Stream.tick(heartbeat).pipe(
        Stream.drop(1),
        Stream.map(() => ": heartbeat\n\n"),
      )
      const connected = `retry: 3000\n${frame("connected", { request_id: requestId, statuses: seen.size })}`
      return Stream.concat(Stream.make(connected), Stream.merge(updates, heartbeats))
    }),
  ).pipe(
    Stream.catch((error) => Stream.make(frame("error", { message: String(error.message) }))),
    Stream.encodeText,
  )

export const sseResponse = (body: Stream.Stream<Uint8Array>) =>
  HttpServerResponse.stream(body, {
    contentType: "text/event-stream",
    headers: { "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" },
  })
