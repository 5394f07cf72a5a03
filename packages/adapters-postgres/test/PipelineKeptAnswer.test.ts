import { type AnalyticsQuery, WINDOW_GRAIN } from "@pt/domain/Analytics"
import { Micros } from "@pt/domain/Timestamp"
import { freshId, freshName, statusEvent } from "@pt/domain/testing/Fixtures"
import { Effect } from "effect"
import { expect, inject, it } from "vitest"
import { makeLookupNames } from "../src/LookupNames.ts"
import { refreshPipelineRollup } from "../src/PipelineRollup.ts"
import { makePostgresPayloadQueries } from "../src/PostgresPayloadQueries.ts"
import { createTestDatabase, dropTestDatabase } from "../testing/PostgresTestServer.ts"
import { openStore } from "../testing/StoreHarness.ts"

// `GET /pipeline` over whole cells keeps a window's answer while the rollup's version stays (queries/Analytics.ts
// rollupPath): whatever it answers from that must equal a first read of the window (queries of their own, so
// nothing kept), after new statuses with and without a refresh, and at another `now`. Dates from the clock.
const MINUTE = 60_000_000
const HOUR = 60 * MINUTE
const url = inject("databaseUrl")

it("the rollup path's kept answers equal a first read: new cells only after a refresh, stalled_now at each now", () =>
  Effect.runPromise(
    Effect.scoped(
      Effect.gen(function* () {
        // Released last (scopes close in reverse): after the store's pool.
        const config = yield* Effect.acquireRelease(
          Effect.promise(() => createTestDatabase(url, "pipeline_kept")),
          (c) => Effect.promise(() => dropTestDatabase(url, c)),
        )
        const kept = yield* openStore(config)
        const service = freshName("kept")
        const now = Math.floor(Date.now() / WINDOW_GRAIN) * WINDOW_GRAIN
        const q: AnalyticsQuery = {
          since: Micros.make(now - 2 * HOUR),
          until: Micros.make(now),
          bucket: Micros.make(30 * MINUTE),
          now: Micros.make(now),
          stalledAfter: Micros.make(HOUR),
          topErrors: 5,
        }
        const event = (request_id: string, status: string, date: number) =>
          statusEvent({ request_id, service, status, date: Micros.make(date) })
        // Open since 110 minutes: stalled at an hour, not at three.
        const [open, done] = [freshId(), freshId()]
        yield* kept.store.record([event(open, "received", q.since + 10 * MINUTE)])
        const refresh = refreshPipelineRollup(kept.sql, Micros.make(q.since - HOUR))
        yield* refresh
        const mine = (a: { services: ReadonlyArray<{ service: string }> }) =>
          a.services.find((s) => s.service === service)
        // A first read: queries of their own, so nothing kept.
        const firstRead = (query: AnalyticsQuery) =>
          makePostgresPayloadQueries(kept.sql, makeLookupNames(kept.sql)).pipelineAnalytics(query)
        const both = (query: AnalyticsQuery) =>
          Effect.all([kept.queries.pipelineAnalytics(query), firstRead(query)])

        const [before] = yield* both(q)
        expect(mine(before)).toMatchObject({ seen: 1, openNow: 1, stalledNow: 1 })
        // Kept (same window, same version), at another threshold: stalled_now is of that one.
        const later = { ...q, stalledAfter: Micros.make(3 * HOUR) }
        const [keptLater, firstLater] = yield* both(later)
        expect(mine(keptLater)).toMatchObject({ seen: 1, stalledNow: 0 })
        expect(keptLater).toEqual(firstLater)

        // New statuses, no refresh: the cells are unchanged, so is the answer.
        yield* kept.store.record([
          event(done, "received", q.since + 20 * MINUTE),
          event(done, "success", q.since + 21 * MINUTE),
        ])
        const [unrefreshed, firstUnrefreshed] = yield* both(q)
        expect(unrefreshed).toEqual(before)
        expect(unrefreshed).toEqual(firstUnrefreshed)

        // After the refresh the kept answer is not used: the new stage is counted.
        yield* refresh
        const [refreshed, firstRefreshed] = yield* both(q)
        expect(mine(refreshed)).toMatchObject({ seen: 2, succeeded: 1, openNow: 1, stalledNow: 1 })
        expect(refreshed).toEqual(firstRefreshed)
      }),
    ),
  ))
