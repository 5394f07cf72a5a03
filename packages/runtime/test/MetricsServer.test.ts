import { Effect, Layer } from "effect"
import { describe, expect, it } from "vitest"
import { Metrics, MetricsRegistry, MetricsRegistryLayer } from "../src/Metrics.ts"
import { type JsonAnswer, MetricsServer, MetricsServerLayer } from "../src/MetricsServer.ts"

// The one metrics server of the API and the consumer, on a real socket (port 0: a free one).
const withServer = <A>(
  routes: Readonly<Record<string, Effect.Effect<JsonAnswer>>>,
  f: (url: string) => Promise<A>,
): Promise<A> =>
  Effect.runPromise(
    Effect.gen(function* () {
      const { registry } = yield* MetricsRegistry
      Metrics.requests(registry).inc(3)
      Metrics.responses(registry).inc({ code: "400" })
      Metrics.messageProcessSeconds(registry).observe(0.004)
      const { port } = yield* MetricsServer
      return yield* Effect.promise(() => f(`http://127.0.0.1:${port}`))
    }).pipe(Effect.provide(MetricsServerLayer(0, routes).pipe(Layer.provideMerge(MetricsRegistryLayer)))),
  )

describe("MetricsServerLayer", () => {
  it("serves the registry as Prometheus text, with Node's process metrics and the shared buckets", async () => {
    const { status, type, text } = await withServer({}, async (url) => {
      const r = await fetch(`${url}/metrics`)
      return { status: r.status, type: r.headers.get("content-type"), text: await r.text() }
    })
    expect(status).toBe(200)
    expect(type).toContain("text/plain")
    expect(text).toContain("payload_tracker_requests 3")
    expect(text).toContain('payload_tracker_responses{code="400"} 1')
    expect(text).toContain('payload_tracker_message_process_seconds_bucket{le="0.005"} 1')
    expect(text).toContain("process_cpu_user_seconds_total")
    expect(text).toContain("nodejs_heap_size_total_bytes")
  })

  it("answers the extra JSON routes, 405 with Allow for another method, 404 elsewhere", async () => {
    const routes = { "/ready": Effect.succeed({ status: 503, body: { status: "unavailable" } }) }
    const answers = await withServer(routes, async (url) => {
      const ready = await fetch(`${url}/ready?x=1`)
      const post = await fetch(`${url}/metrics`, { method: "POST" })
      const other = await fetch(`${url}/nope`)
      return {
        ready: [ready.status, ready.headers.get("content-type"), await ready.json()],
        post: [post.status, post.headers.get("allow")],
        other: [other.status, await other.text()],
      }
    })
    expect(answers.ready).toEqual([503, "application/json", { status: "unavailable" }])
    expect(answers.post).toEqual([405, "GET"])
    expect(answers.other).toEqual([404, "Not Found"])
  })

  it("one definition per name: defining a metric twice in one registry fails", () => {
    const program = Effect.gen(function* () {
      const { registry } = yield* MetricsRegistry
      Metrics.messagesProcessed(registry)
      Metrics.messagesProcessed(registry)
    }).pipe(Effect.provide(MetricsRegistryLayer))
    expect(() => Effect.runSync(program)).toThrow(/already been registered/)
  })
})
