import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { StatusFeed } from "@pt/domain/ports/StatusFeed"
import type { RequestId } from "@pt/domain/RequestId"
import { Duration, Effect, Queue, RcRef, Schema, Scope, Stream } from "effect"
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

/**
 * Who is watching which payload: the process's open live views by request id. One subscription to the feed
 * serves all of them while any is open (an RcRef: subscribed with the first view, released with the last), and
 * a notification wakes only the views of its request id. A subscription per view would wake every view for
 * every stored status (2,000 views × every request id of every batch), and each view's share of the feed's
 * buffer would grow while its fiber waited its turn for the CPU.
 */
type Watchers = Map<RequestId, Set<View>>

const shared = new WeakMap<StatusFeed["Service"], RcRef.RcRef<Watchers>>()

const watchersOf = (feed: StatusFeed["Service"]): RcRef.RcRef<Watchers> => {
  const known = shared.get(feed)
  if (known !== undefined) return known
  const watchers: Watchers = new Map()
  const ref = Effect.runSync(
    RcRef.make({
      acquire: Effect.gen(function* () {
        // Subscribed when this returns, so a view reads its snapshot only after the feed is being listened to.
        const pull = yield* Stream.toPull(feed.subscribe)
        const wake = (ids: ReadonlyArray<RequestId>) => {
          for (const id of ids)
            for (const view of watchers.get(id) ?? []) {
              view.news = true
              Queue.offerUnsafe(view.wake, undefined)
            }
        }
        yield* Effect.forkScoped(Effect.forever(Effect.flatMap(pull, (ids) => Effect.sync(() => wake(ids)))))
        return watchers
      }),
      // The RcRef lives as long as its feed (a WeakMap entry): its own scope is never closed.
    }).pipe(Scope.provide(Scope.makeUnsafe())),
  )
  shared.set(feed, ref)
  return ref
}

/** What woke a view: news about its payload, or its heartbeat timer. */
interface View {
  readonly wake: Queue.Queue<void>
  /** Set by a notification, cleared by the read it causes; a heartbeat wake finds it false. */
  news: boolean
}

/**
 * Registers a view of `requestId` until the scope closes. Its queue is a sliding queue of one: notifications
 * that arrive while the view is reading the history coalesce into one more read, so a burst costs one query
 * and a slow client holds one pending wake-up, never a backlog.
 */
const watch = (feed: StatusFeed["Service"], requestId: RequestId) =>
  Effect.gen(function* () {
    const watchers = yield* RcRef.get(watchersOf(feed))
    const view: View = { wake: yield* Queue.sliding<void>(1), news: false }
    const views = watchers.get(requestId) ?? new Set()
    watchers.set(requestId, views.add(view))
    yield* Effect.addFinalizer(() =>
      Effect.sync(() => {
        views.delete(view)
        if (views.size === 0 && watchers.get(requestId) === views) watchers.delete(requestId)
      }),
    )
    return view
  })

/**
 * The live view's body. Deliberately one plain stream over the view's queue (no merged heartbeat stream, no
 * per-view ticker fiber): every combinator is state held per open connection, and at 2,000 connections a
 * merge + tick pipeline cost ≈ 55 KB of heap each (bench:sse). The heartbeat is a timer that wakes the same
 * queue; the wake-up then reads the history when news is pending, else sends the heartbeat comment.
 */
export const payloadEvents = (requestId: RequestId, heartbeat: Duration.Input = HEARTBEAT) =>
  Stream.unwrap(
    Effect.gen(function* () {
      const queries = yield* PayloadQueries
      const feed = yield* StatusFeed
      // Watch before reading the snapshot, so a status stored in between is announced, not lost.
      const view = yield* watch(feed, requestId)
      const seen = new Set<number>()
      const snapshot = yield* queries.payloadHistory(requestId)
      for (const s of snapshot?.statuses ?? []) seen.add(s.status_id)

      const fresh = queries.payloadHistory(requestId).pipe(
        Effect.map((history) => {
          if (history === undefined) return ""
          const news = history.statuses.filter((s) => !seen.has(s.status_id)).sort((a, b) => a.date - b.date)
          for (const s of news) seen.add(s.status_id)
          return news
            .map((s) =>
              frame({ event: "status", id: String(s.status_id), data: historyView(history.payload, s, 0) }),
            )
            .join("")
        }),
      )
      const beat = setInterval(() => Queue.offerUnsafe(view.wake, undefined), Duration.toMillis(heartbeat))
      yield* Effect.addFinalizer(() => Effect.sync(() => clearInterval(beat)))
      const next = Effect.suspend(() => {
        if (!view.news) return Effect.succeed(": heartbeat\n\n")
        view.news = false
        return fresh
      })
      // The reconnection hint is a block of its own: inside the `connected` event it would be a field the
      // declared event does not have.
      const connected = `retry: 3000\n\n${frame({ event: "connected", data: { request_id: requestId, statuses: seen.size } })}`
      return Stream.fromQueue(view.wake).pipe(
        Stream.mapEffect(() => next),
        Stream.filter((text) => text !== ""),
        Stream.prepend([connected]),
      )
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
