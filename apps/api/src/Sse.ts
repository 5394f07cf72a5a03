import { Readable } from "node:stream"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { StatusFeed } from "@pt/domain/ports/StatusFeed"
import type { RequestId } from "@pt/domain/RequestId"
import { Deferred, Duration, Effect, Exit, Queue, RcRef, Schema, Scope, Stream } from "effect"
import { Sse } from "effect/encoding"
import { HttpServerResponse } from "effect/http"
import { PayloadEvent } from "./Schemas.ts"
import { historyView } from "./Views.ts"

/**
 * Live statuses of one payload as Server-Sent Events (issue 6's live view). The feed only says "statuses of
 * request X were stored"; the view then reads the payload's history and sends the statuses it has not sent
 * yet (by status id), so a missed or coalesced notification never loses a status.
 *
 * An open view is deliberately a small plain object (LiveView) written straight into a Node Readable, not a
 * Stream pipeline run by a fiber per connection: every Stream combinator and fiber is state held per open
 * connection, and at 2,000 connections the Stream body cost ≈ 37 KB of heap each (bench:sse, heap snapshot),
 * this one ≈ 26 KB, of which the view's own objects are < 1 KB: the rest is Node's socket, parser, request and
 * response, the pipe into the response and the request's fiber.
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

const HEARTBEAT_FRAME = ": heartbeat\n\n"

/** Where a view's text goes: the HTTP response body, or the queue of `payloadEvents`' Stream. */
interface Sink {
  /** Sends `text`; false when the client has not taken what was sent before (then wait for `resume`). */
  readonly write: (text: string) => boolean
  /** Ends the events normally (the response completes). */
  readonly end: () => void
  /** Aborts the events: a defect, not a store error (those are sent as an `error` event, then `end`). */
  readonly fail: (cause: unknown) => void
}

type History = Effect.Success<ReturnType<PayloadQueries["Service"]["payloadHistory"]>>

/**
 * One open live view. Notifications that arrive while it reads the history, or while the client has not yet
 * taken the text already sent, coalesce into one more read: a burst costs one query and a slow client holds
 * one pending flag, never a backlog.
 */
class LiveView {
  private readonly seen = new Set<number>()
  /** A notification arrived that no history read has answered yet (a read that started later answers it). */
  private news = false
  private reading = false
  /** The client has not taken the last text: nothing more is sent until it does. */
  private blocked = false
  private closed = false
  private interrupt: (() => void) | undefined
  /** Numbers the reads, so that the interruptor kept is the running read's (a read may finish synchronously). */
  private reads = 0
  /** Runs by `close`: unregisters the view (watchers, heartbeat, shutdown) and releases the feed. */
  release: () => void = () => undefined

  readonly requestId: RequestId
  private readonly history: Effect.Effect<History | { readonly failed: string }>
  private readonly run: ReturnType<typeof Effect.runCallbackWith<never>>
  private readonly sink: Sink

  constructor(
    requestId: RequestId,
    history: Effect.Effect<History | { readonly failed: string }>,
    run: ReturnType<typeof Effect.runCallbackWith<never>>,
    sink: Sink,
  ) {
    this.requestId = requestId
    this.history = history
    this.run = run
    this.sink = sink
  }

  /** Reads the snapshot (what the client already has), then announces the connection. */
  start(): void {
    this.read((history) => {
      for (const s of history?.statuses ?? []) this.seen.add(s.status_id)
      // The reconnection hint is a block of its own: inside the `connected` event it would be a field the
      // declared event does not have.
      this.send(
        `retry: 3000\n\n${frame({ event: "connected", data: { request_id: this.requestId, statuses: this.seen.size } })}`,
      )
    })
  }

  /** The feed says statuses of this view's request id were stored. */
  notify(): void {
    this.news = true
    this.pump()
  }

  /** The client took what was sent: the view may send again. */
  resume(): void {
    this.blocked = false
    this.pump()
  }

  heartbeat(): void {
    if (!this.closed && !this.reading && !this.blocked) this.send(HEARTBEAT_FRAME)
  }

  /** Ends the events normally (the server is shutting down). */
  end(): void {
    if (this.closed) return
    this.close()
    this.sink.end()
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.interrupt?.()
    this.release()
  }

  private pump(): void {
    if (this.closed || this.reading || this.blocked || !this.news) return
    this.news = false
    this.read((history) => {
      if (history === undefined) return
      const news = history.statuses.filter((s) => !this.seen.has(s.status_id)).sort((a, b) => a.date - b.date)
      if (news.length === 0) return
      let text = ""
      for (const s of news) {
        this.seen.add(s.status_id)
        text += frame({ event: "status", id: String(s.status_id), data: historyView(history.payload, s, 0) })
      }
      this.send(text)
    })
  }

  private read(then: (history: History) => void): void {
    this.reading = true
    const read = ++this.reads
    const interrupt = this.run(this.history, {
      onExit: (exit) => {
        this.reading = false
        if (this.reads === read) this.interrupt = undefined
        if (this.closed) return
        if (Exit.isFailure(exit)) {
          this.close()
          this.sink.fail(exit.cause)
        } else if (exit.value !== undefined && "failed" in exit.value) {
          this.send(frame({ event: "error", data: { message: exit.value.failed } }))
          this.end()
        } else {
          then(exit.value)
          this.pump()
        }
      },
    })
    if (this.reading && this.reads === read) this.interrupt = interrupt
  }

  private send(text: string): void {
    if (!this.sink.write(text)) this.blocked = true
  }
}

/**
 * Who is watching which payload: the process's open live views by request id. One subscription to the feed
 * serves all of them while any is open (an RcRef: subscribed with the first view, released with the last), and
 * a notification wakes only the views of its request id. A subscription per view would wake every view for
 * every stored status (2,000 views × every request id of every batch).
 */
type Watchers = Map<RequestId, Set<LiveView>>

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
          for (const id of ids) for (const view of watchers.get(id) ?? []) view.notify()
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

/**
 * Heartbeats: one timer per interval for every view open with it (not a timer per view), stopped with the last
 * view. A view's first heartbeat may thus come sooner than one interval after it connected; never later.
 */
const beating = new Map<
  number,
  { readonly views: Set<LiveView>; readonly timer: ReturnType<typeof setInterval> }
>()

const beat = (ms: number, view: LiveView): (() => void) => {
  let group = beating.get(ms)
  if (group === undefined) {
    const views = new Set<LiveView>()
    group = {
      views,
      timer: setInterval(() => {
        for (const v of views) v.heartbeat()
      }, ms),
    }
    beating.set(ms, group)
  }
  const { views, timer } = group
  views.add(view)
  return () => {
    views.delete(view)
    if (views.size === 0 && beating.get(ms)?.views === views) {
      clearInterval(timer)
      beating.delete(ms)
    }
  }
}

/**
 * Opens a view of `requestId` writing into `sink`: registered with the feed's watchers before its snapshot is
 * read, so a status stored in between is announced, not lost. `view.close()` unregisters it.
 */
const openView = (requestId: RequestId, heartbeat: Duration.Input, sink: Sink) =>
  Effect.gen(function* () {
    const queries = yield* PayloadQueries
    const feed = yield* StatusFeed
    const context = yield* Effect.context<never>()
    const scope = Scope.makeUnsafe()
    const watchers = yield* RcRef.get(watchersOf(feed)).pipe(Scope.provide(scope))
    const history = queries
      .payloadHistory(requestId)
      .pipe(Effect.catch((error) => Effect.succeed({ failed: String(error.message) })))
    const view = new LiveView(requestId, history, Effect.runCallbackWith(context), sink)
    const views = watchers.get(requestId) ?? new Set()
    watchers.set(requestId, views.add(view))
    const stopBeating = beat(Duration.toMillis(Duration.fromInputUnsafe(heartbeat)), view)
    view.release = () => {
      views.delete(view)
      if (views.size === 0 && watchers.get(requestId) === views) watchers.delete(requestId)
      stopBeating()
      Effect.runFork(Scope.close(scope, Exit.void))
    }
    view.start()
    return view
  })

/**
 * The live view as a Stream of UTF-8 text (the same view the HTTP response sends; for Effect code and tests).
 * It never holds the client back: the queue takes whatever the view sends.
 */
export const payloadEvents = (requestId: RequestId, heartbeat: Duration.Input = HEARTBEAT) =>
  Stream.callback<string, never, PayloadQueries | StatusFeed>((queue) =>
    Effect.acquireRelease(
      openView(requestId, heartbeat, {
        write: (text) => Queue.offerUnsafe(queue, text) || true,
        end: () => Queue.endUnsafe(queue),
        fail: (cause) => Queue.failCauseUnsafe(queue, cause as never),
      }),
      (view) => Effect.sync(() => view.close()),
    ),
  ).pipe(Stream.encodeText)

/**
 * The body of the HTTP response: Node pipes it into the socket and calls `_read` when the client has taken
 * what was pushed, and `_destroy` when the connection closes (the client left, or the response ended).
 */
class EventsBody extends Readable {
  view: LiveView | undefined
  override _read(): void {
    this.view?.resume()
  }
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.view?.close()
    callback(error)
  }
}

/**
 * Open live views by shutdown signal: when the server starts shutting down they all end, so `server.close()`
 * does not wait forever for their connections. One waiting fiber per signal, not one per view.
 */
const openViews = new WeakMap<Deferred.Deferred<void>, Set<LiveView>>()

const endOnShutdown = (shutdown: Deferred.Deferred<void>, view: LiveView): (() => void) => {
  let views = openViews.get(shutdown)
  if (views === undefined) {
    const all = new Set<LiveView>()
    views = all
    openViews.set(shutdown, all)
    Effect.runFork(
      Effect.andThen(
        Deferred.await(shutdown),
        Effect.sync(() => {
          for (const v of all) v.end()
        }),
      ),
    )
  }
  // Opened while the server shuts down: it ends at once, as the others did.
  if (Deferred.isDoneUnsafe(shutdown)) {
    view.end()
    return () => undefined
  }
  const set = views
  set.add(view)
  return () => set.delete(view)
}

/** `GET /payloads/{request_id}/events`: the live view of `requestId` as an SSE response. */
export const liveEventsResponse = (requestId: RequestId, shutdown: Deferred.Deferred<void>) =>
  Effect.gen(function* () {
    const body = new EventsBody()
    const view = yield* openView(requestId, HEARTBEAT, {
      write: (text) => body.push(text),
      end: () => body.push(null),
      fail: (cause) => body.destroy(new Error("live view failed", { cause })),
    })
    const release = view.release
    const forget = endOnShutdown(shutdown, view)
    view.release = () => {
      forget()
      release()
    }
    body.view = view
    return HttpServerResponse.raw(body, {
      contentType: "text/event-stream",
      headers: { "cache-control": "no-cache", connection: "keep-alive", "x-accel-buffering": "no" },
    })
  })
