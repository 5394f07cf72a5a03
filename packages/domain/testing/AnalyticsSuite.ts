/**
 * The pipeline analytics contract (Analytics.ts, PayloadQueries.pipelineAnalytics), run against every store
 * adapter: hand-made payloads whose expected counts, states, percentiles, series, top errors and flow are
 * worked out below from the statuses themselves (not by the code under test).
 *
 * Services are fresh names, so the suite runs against a shared, non-empty database: only rows of these services
 * are compared. Every date derives from the clock. The same data is read twice: in a window of whole
 * WINDOW_GRAIN units (a store's pre-aggregated path, after `settle` brings it up to date) and in the same
 * window moved by one second (the path computed from the summaries); both must give the same answer.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, type Layer } from "effect"
import { type AnalyticsQuery, approximate, type ServiceAnalytics, WINDOW_GRAIN } from "../src/Analytics.ts"
import { PayloadQueries } from "../src/ports/PayloadQueries.ts"
import { PayloadStore } from "../src/ports/PayloadStore.ts"
import { RequestId } from "../src/RequestId.ts"
import type { StatusEvent } from "../src/StatusEvent.ts"
import { Micros } from "../src/Timestamp.ts"
import { freshId, freshName, statusEvent } from "./Fixtures.ts"
import { HOUR_MS } from "./TestDates.ts"

const SECOND = 1_000_000
const MINUTE = 60 * SECOND
const HOUR = HOUR_MS * 1000

export const analyticsSuite = <E, R = never>(
  name: string,
  storeLayer: Layer.Layer<PayloadStore | PayloadQueries | R, E>,
  /** Brings pre-aggregated analytics up to date with the statuses dated from `since` (a rollup's refresh). */
  settle?: (since: Micros) => Effect.Effect<unknown, unknown, R>,
): void =>
  layer(storeLayer, { excludeTestServices: true, timeout: "120 seconds" })(
    `${name} pipeline analytics`,
    (it) => {
      it.effect("counts, states, percentiles, series, top errors and flow of the window's stages", () =>
        Effect.gen(function* () {
          const store = yield* PayloadStore
          const queries = yield* PayloadQueries
          // Whole grains (so whole seconds): the window below is in whole WINDOW_GRAIN units.
          const now = Math.floor(Date.now() / WINDOW_GRAIN) * WINDOW_GRAIN
          const since = now - 3 * HOUR
          const until = now - 5 * MINUTE
          const [a, b, c] = [freshName("an-a"), freshName("an-b"), freshName("an-c")]
          const ids = Array.from({ length: 9 }, () => RequestId.make(freshId()))
          const [p1, p2, p3, p4, p5, p6, p7, p8, p9] = ids as [RequestId, ...Array<RequestId>]
          const s = (request_id: RequestId, service: string, status: string, date: number, status_msg = "") =>
            statusEvent({ request_id, service, status, status_msg, date: Micros.make(date) })
          const events: Array<StatusEvent> = [
            // P1: a and b succeed (5 s, 20 s); flow a → b.
            s(p1!, a, "received", since + 10 * MINUTE),
            s(p1!, a, "success", since + 10 * MINUTE + 5 * SECOND),
            s(p1!, b, "received", since + 11 * MINUTE),
            s(p1!, b, "success", since + 11 * MINUTE + 20 * SECOND),
            // P2: a fails after 3 s (bucket 1).
            s(p2!, a, "received", since + 70 * MINUTE),
            s(p2!, a, "error", since + 70 * MINUTE + 3 * SECOND, "boom"),
            // P3: a open, last status 100 min ago: stalled.
            s(p3!, a, "received", since + 80 * MINUTE),
            s(p3!, a, "processing", since + 80 * MINUTE + SECOND),
            // P4: a open 10 min ago: in progress, not stalled (bucket 2).
            s(p4!, a, "received", now - 10 * MINUTE),
            // P5: a succeeds in 7 s, b fails in 2 s, c open (the payload failed, so not stalled); a → b → c.
            s(p5!, a, "received", since + 20 * MINUTE),
            s(p5!, a, "success", since + 20 * MINUTE + 7 * SECOND),
            s(p5!, b, "received", since + 21 * MINUTE),
            s(p5!, b, "error", since + 21 * MINUTE + 2 * SECOND, "disk full"),
            s(p5!, c, "received", since + 22 * MINUTE),
            // P6: a before the window (not counted), b fails in 4 s inside it; the edge a → b counts.
            s(p6!, a, "received", since - 30 * MINUTE),
            s(p6!, a, "success", since - 30 * MINUTE + SECOND),
            s(p6!, b, "received", since + 5 * MINUTE),
            s(p6!, b, "error", since + 5 * MINUTE + 4 * SECOND, "boom"),
            // P7: b alone fails in 6 s (bucket 2).
            s(p7!, b, "received", since + 130 * MINUTE),
            s(p7!, b, "error", since + 130 * MINUTE + 6 * SECOND, "boom"),
            // P8: after the window.
            s(p8!, a, "received", now - 2 * MINUTE),
            // P9: a succeeded, then a `received` reopened it: open, last status 30 min ago (bucket 2).
            s(p9!, a, "received", since + 150 * MINUTE),
            s(p9!, a, "success", since + 150 * MINUTE + SECOND),
            s(p9!, a, "received", since + 150 * MINUTE + 2 * SECOND),
          ]
          // Shuffled, split in two batches, P2 redelivered: the summary is order- and duplicate-insensitive.
          const shuffled = [...events].reverse()
          yield* store.record(shuffled.slice(0, 9))
          yield* store.record([...shuffled.slice(9), ...events.slice(4, 6)])

          if (settle !== undefined) yield* settle(Micros.make(since - HOUR))

          const aligned: AnalyticsQuery = {
            since: Micros.make(since),
            until: Micros.make(until),
            bucket: Micros.make(HOUR),
            now: Micros.make(now),
            stalledAfter: Micros.make(HOUR),
            topErrors: 5,
          }
          // One second earlier: no stage is within a second of an edge, so the same stages, buckets and states.
          const shifted: AnalyticsQuery = {
            ...aligned,
            since: Micros.make(since - SECOND),
            until: Micros.make(until - SECOND),
          }
          const mine = new Set([a, b, c])
          // Percentiles as the histogram reports them (Analytics.ts DURATION_BOUNDS: within 5 %).
          const d = (seconds: number) => approximate(seconds * SECOND)
          for (const query of [aligned, shifted]) {
            const result = yield* queries.pipelineAnalytics(query)
            const byName = new Map(
              result.services.filter((x) => mine.has(x.service)).map((x) => [x.service, x]),
            )
            const starts = [query.since, query.since + HOUR, query.since + 2 * HOUR]
            const point = (i: number, throughput: number, errors: number, p95?: number) => ({
              start: starts[i],
              throughput,
              errors,
              ...(p95 === undefined ? {} : { p95 }),
            })
            const expected: Record<string, ServiceAnalytics> = {
              // a: P1 (b0, 5 s), P2 (b1, error 3 s), P3 (b1, stalled), P4 (b2, open), P5 (b0, 7 s), P9 (b2, open).
              // Finished [3, 5, 7] s: p50 = 2nd, p95 = p99 = 3rd (percentile_disc: ceil(p·n)-th value).
              [a]: {
                service: a,
                seen: 6,
                succeeded: 2,
                failed: 1,
                openNow: 3,
                stalledNow: 1,
                duration: {
                  p50: d(5),
                  p95: d(7),
                  p99: d(7),
                },
                series: [point(0, 2, 0, d(7)), point(1, 2, 1, d(3)), point(2, 2, 0)],
                topErrors: [{ status: "error", status_msg: "boom", count: 1, exampleRequestId: p2! }],
              } as unknown as ServiceAnalytics,
              // b: P1 (b0, 20 s), P5 (b0, error 2 s), P6 (b0, error 4 s), P7 (b2, error 6 s).
              // Finished [2, 4, 6, 20] s: p50 = 2nd, p95 = p99 = 4th; bucket 0 [2, 4, 20]: p95 = 3rd.
              [b]: {
                service: b,
                seen: 4,
                succeeded: 1,
                failed: 3,
                openNow: 0,
                stalledNow: 0,
                duration: {
                  p50: d(4),
                  p95: d(20),
                  p99: d(20),
                },
                series: [point(0, 3, 2, d(20)), point(1, 0, 0), point(2, 1, 1, d(6))],
                topErrors: [
                  { status: "error", status_msg: "boom", count: 2, exampleRequestId: [p6!, p7!].sort()[0] },
                  { status: "error", status_msg: "disk full", count: 1, exampleRequestId: p5! },
                ],
              } as unknown as ServiceAnalytics,
              // c: P5 only, open in a failed payload.
              [c]: {
                service: c,
                seen: 1,
                succeeded: 0,
                failed: 0,
                openNow: 1,
                stalledNow: 0,
                series: [point(0, 1, 0), point(1, 0, 0), point(2, 0, 0)],
                topErrors: [],
              } as unknown as ServiceAnalytics,
            }
            for (const service of [a, b, c])
              assert.deepStrictEqual(byName.get(service), expected[service], service)
            // Services ordered by name.
            const names = result.services.map((x) => x.service).filter((x) => mine.has(x))
            assert.deepStrictEqual(names, [a, b, c].sort())
            // Flow: a → b (P1, P5, P6), b → c (P5).
            assert.deepStrictEqual(
              result.flow.filter((e) => mine.has(e.from) || mine.has(e.to)),
              [
                { from: a, to: b, count: 3 },
                { from: b, to: c, count: 1 },
              ],
            )

            // topErrors limits each service's list, most frequent first.
            const top1 = yield* queries.pipelineAnalytics({ ...query, topErrors: 1 })
            assert.deepStrictEqual(
              top1.services.find((x) => x.service === b)?.topErrors.map((e) => e.status_msg),
              ["boom"],
            )
          }
          // A window that starts after every stage of these services: none of them appears.
          const later = yield* queries.pipelineAnalytics({
            ...aligned,
            since: Micros.make(now - 3 * MINUTE),
            until: Micros.make(now),
          })
          assert.deepStrictEqual(
            later.services.filter((x) => x.service === b || x.service === c),
            [],
          )
          assert.strictEqual(later.services.find((x) => x.service === a)?.seen, 1)
        }),
      )
    },
  )
