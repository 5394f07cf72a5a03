import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { StatusFeed } from "@pt/domain/ports/StatusFeed"
import type { RequestId } from "@pt/domain/RequestId"
import { Duration, Effect, Schema, Stream } from "effect"
import { Sse } from "effect/encoding"
import { HttpServerResponse } from "effect/http"
import { PayloadEvent } from "./Schemas.ts"
import { historyView } from "./Views.ts"

/**
 * Live statuses of one payload as Server-Sent Events (issue 6's live view). The feed only says "statuses of
 * request X were stored"; the stream then reads the payload's history and sends the statuses it has not sent
 * yet (by status id), so a missed or coalesced notification never loses a status.
 */
export const HEARTBEAT = Duration.seconds(15)

/**
 * One event, encoded by the endpoint's declared schema (Schemas.PayloadEvent, the one openapi.json shows). The
 * response itself is written here rather than by HttpApi's SSE encoder because the stream also carries what is
 * no event: the `retry:` hint and the `: heartbeat` comments that keep proxies from closing an idle stream.
 */
const encodeEvent = Schema.encodeSync(PayloadEvent)
const frame = (event: PayloadEvent): string => {
  const encoded = encodeEvent(event)
  return Sse.encoder.write({
    _tag: "Event",
    event: encoded.event,
    id: "id" in encoded ? encoded.id : undefined,
    data: encoded.data,
  })
}

export const payloadEvents = (requestId: RequestId, heartbeat: Duration.Input = HEARTBEAT) =>
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
          return news.map((s) =>
            frame({ event: "status", id: String(s.status_id), data: historyView(history.payload, s, 0) }),
          )
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
      // The reconnection hint is a block of its own: inside the `connected` event it would be a field the
      // declared event does not have.
      const connected = `retry: 3000\n\n${frame({ event: "connected", data: { request_id: requestId, statuses: seen.size } })}`
      return Stream.concat(Stream.make(connected), Stream.merge(updates, heartbeats))
    }),
  ).pipe(
    Stream.catch((error) => Stream.make(frame({ event: "error", data: { message: String(error.message) } }))),
    Stream.encodeText,
  )

export const sseResponse = (body: Stream.Stream<Uint8Array>) =>
  HttpServerResponse.stream(body, {
    contentType: "text/event-stream",
    headers: { "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" },
  })
