import { PipelineRollup } from "@pt/adapters-postgres/PipelineRollup"
import { resolveDatabaseUrl, testStoreLayer } from "@pt/adapters-postgres/testing/PostgresTestServer"
import { approximate } from "@pt/domain/Analytics"
import { Micros } from "@pt/domain/Timestamp"
import { Context, Effect, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { MemoryStoreLayer, type StorePorts } from "../src/Store.ts"
import { errorBody, get, post, type RunningApi, startApi } from "../testing/TestServer.ts"

/**
 * `GET /pipeline` over real HTTP, against the memory store and a real PostgreSQL: the answer's every key for a
 * small pipeline ingested through POST /statuses (expected values worked out by hand below), both prefixes,
 * the defaults, and a 400 naming the parameter for every bad input.
 */
// The PostgreSQL store's rollup refresh, which the consumer runs on a schedule: the default window (whole
// 5-minute cells) reads the rollup, so the test refreshes it after ingesting, as a consumer would.
let refreshRollup: ((since: Micros) => Effect.Effect<unknown, unknown>) | undefined
const postgresStore = () =>
  Layer.orDie(testStoreLayer(resolveDatabaseUrl(), "api_pipeline")).pipe(
    Layer.tap((services) =>
      Effect.sync(() => {
        refreshRollup = Context.get(services, PipelineRollup).refresh
      }),
    ),
  )
const stores: ReadonlyArray<readonly [string, () => Layer.Layer<StorePorts>]> = [
  ["memory", () => MemoryStoreLayer],
  ["postgres", postgresStore],
]

// Every date derives from the clock: three hours ago on a whole second (past STALLED_AFTER's hour).
const BASE = Math.floor(Date.now() / 1000) * 1000 - 3 * 3_600_000
const at = (seconds: number) => new Date(BASE + seconds * 1000).toISOString()
/** A duration as the answer reports it: its histogram bucket's value (Analytics.ts, within 5 %), in seconds. */
const h = (seconds: number) => approximate(seconds * 1_000_000) / 1_000_000
/** What the API prints for `at(seconds)` (Go's RFC3339Nano: no trailing zeros in the fraction). */
const wire = (seconds: number) => at(seconds).replace(/\.?0+Z$/u, "Z")

const suffix = crypto.randomUUID().slice(0, 8)
const ING = `ingress-${suffix}`
const PUP = `puptoo-${suffix}`
const hex = () => crypto.randomUUID().replaceAll("-", "")
const [P1, P2, P3] = [hex(), hex(), hex()] as [string, string, string]
const status = (request_id: string, service: string, word: string, seconds: number, status_msg?: string) => ({
  request_id,
  service,
  status: word,
  date: at(seconds),
  ...(status_msg === undefined ? {} : { status_msg }),
})
const STATUSES = [
  // P1: ingress 1.5 s, puptoo fails after 3 s.
  status(P1, ING, "received", 0),
  status(P1, ING, "success", 1.5),
  status(P1, PUP, "received", 2),
  status(P1, PUP, "error", 5, "tarfile is corrupt"),
  // P2: ingress 2 s, puptoo 1.25 s.
  status(P2, ING, "received", 60),
  status(P2, ING, "success", 62),
  status(P2, PUP, "received", 63),
  status(P2, PUP, "success", 64.25),
  // P3: ingress 1 s, then stuck in puptoo for three hours: open and stalled.
  status(P3, ING, "received", 120),
  status(P3, ING, "success", 121),
  status(P3, PUP, "received", 122),
]

type Answer = {
  since: string
  until: string
  bucket_seconds: number
  services: Array<{ service: string; series: Array<unknown> }>
  flow: Array<{ from: string; to: string; count: number }>
}

describe.each(stores)("GET /pipeline over HTTP (%s store)", (_name, store) => {
  let api: RunningApi
  beforeAll(async () => {
    api = await startApi({ store: store() })
    const r = await post(api.url, "/api/v1/statuses", JSON.stringify(STATUSES))
    expect(r.body).toEqual({ accepted: STATUSES.length, rejected: [] })
    if (_name === "postgres") await Effect.runPromise(refreshRollup!(Micros.make((BASE - 3_600_000) * 1000)))
  })
  afterAll(() => api.close())

  const window = `since=${encodeURIComponent(at(0))}&until=${encodeURIComponent(at(3600))}&bucket=1800`
  const mine = (a: Answer) => ({
    ...a,
    services: a.services.filter((s) => s.service.endsWith(suffix)),
    flow: a.flow.filter((f) => f.to.endsWith(suffix)),
  })

  it("answers per service counts, exact percentiles, the series, top errors and the flow", async () => {
    const r = await get(api.url, `/api/v1/pipeline?${window}`)
    expect(r.status, r.text).toBe(200)
    expect(mine(r.body as Answer)).toEqual({
      since: wire(0),
      until: wire(3600),
      bucket_seconds: 1800,
      services: [
        {
          service: ING,
          seen: 3,
          succeeded: 3,
          failed: 0,
          open_now: 0,
          stalled_now: 0,
          error_rate: 0,
          // [1, 1.5, 2] s: p50 is the 2nd value, p95 and p99 the 3rd (percentile_disc), as histogram buckets.
          duration_seconds: { p50: h(1.5), p95: h(2), p99: h(2) },
          series: [
            { start: wire(0), throughput: 3, errors: 0, p95_seconds: h(2) },
            { start: wire(1800), throughput: 0, errors: 0 },
          ],
          top_errors: [],
        },
        {
          service: PUP,
          seen: 3,
          succeeded: 1,
          failed: 1,
          open_now: 1,
          stalled_now: 1,
          error_rate: 1 / 3,
          // [1.25, 3] s finished; P3 is still open.
          duration_seconds: { p50: h(1.25), p95: h(3), p99: h(3) },
          series: [
            { start: wire(0), throughput: 3, errors: 1, p95_seconds: h(3) },
            { start: wire(1800), throughput: 0, errors: 0 },
          ],
          top_errors: [
            { status: "error", status_msg: "tarfile is corrupt", count: 1, example_request_id: P1 },
          ],
        },
      ],
      flow: [{ from: ING, to: PUP, count: 3 }],
    })
    // The UI's prefix serves the same answer.
    const app = await get(api.url, `/app/payload-tracker/api/v1/pipeline?${window}`)
    expect(mine(app.body as Answer)).toEqual(mine(r.body as Answer))
  })

  it("defaults to the last 24 h in 48 buckets of 30 min", async () => {
    const before = Date.now()
    const r = await get(api.url, "/api/v1/pipeline")
    expect(r.status, r.text).toBe(200)
    const a = r.body as Answer
    const until = Date.parse(a.until)
    expect(until).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000)
    expect(until - Date.parse(a.since)).toBe(24 * 3_600_000)
    expect(a.bucket_seconds).toBe(1800)
    for (const s of mine(a).services) expect(s.series).toHaveLength(48)
    expect(mine(a).services.map((s) => s.service)).toEqual([ING, PUP])
  })

  it("top_errors=0 lists no error; a window without stages lists no service of it", async () => {
    const none = (await get(api.url, `/api/v1/pipeline?${window}&top_errors=0`)).body as Answer
    expect(mine(none).services.map((s) => (s as unknown as { top_errors: [] }).top_errors)).toEqual([[], []])
    const later = `since=${encodeURIComponent(at(3600))}&until=${encodeURIComponent(at(7200))}`
    expect(mine((await get(api.url, `/api/v1/pipeline?${later}`)).body as Answer).services).toEqual([])
  })

  it.each([
    ["since=yesterday", "since must be an RFC 3339 timestamp"],
    ["until=2026-13-01T00:00:00Z", "until must be an RFC 3339 timestamp"],
    ["bucket=0", "bucket must be an integer number of seconds between 1 and 2678400"],
    ["bucket=1.5", "bucket must be an integer number of seconds between 1 and 2678400"],
    ["bucket=1", "bucket must give at most 1000 buckets over the window"],
    ["top_errors=51", "top_errors must be an integer between 0 and 50"],
    [`since=${encodeURIComponent(at(10))}&until=${encodeURIComponent(at(10))}`, "since must be before until"],
    [
      `since=${encodeURIComponent(at(-32 * 86_400))}&until=${encodeURIComponent(at(0))}`,
      "the window from since to until must be at most 31 days",
    ],
  ])("answers 400 for %s", async (query, message) => {
    const r = await get(api.url, `/api/v1/pipeline?${query}`)
    expect([r.status, r.body]).toEqual([400, errorBody(400, "Bad Request", message)])
  })
})

describe("openapi.json", () => {
  it("documents /pipeline with typed parameters and its answer", async () => {
    const api = await startApi()
    try {
      const spec = (await get(api.url, "/api/v1/openapi.json")).body as {
        paths: Record<string, { get: { parameters: Array<{ name: string; schema: unknown }> } }>
        components: { schemas: Record<string, unknown> }
      }
      const op = spec.paths["/api/v1/pipeline"]?.get
      expect(op?.parameters.map((p) => p.name)).toEqual(["since", "until", "bucket", "top_errors"])
      expect(JSON.stringify(op?.parameters.find((p) => p.name === "since")?.schema)).toContain("date-time")
      expect(spec.components.schemas.PipelineAnalytics).toBeDefined()
    } finally {
      await api.close()
    }
  })
})
