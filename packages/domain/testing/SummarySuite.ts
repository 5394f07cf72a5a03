/**
 * The summary contract (Summary.ts), run against every store adapter next to PayloadStoreSuite: the summary a
 * store keeps while it records equals `summarize` of all the payload's statuses and its outcome equals
 * `payloadLifecycle`'s, whatever the arrival order, duplication and batch split (a property test); the list
 * filters `outcome`, `service` and `status` AND-ed with the others, with count, sort and paging intact; and
 * host history.
 *
 * Every test works on its own fresh ids and names, so it runs against a shared database; every date derives
 * from the clock.
 */

import { assert, layer } from "@effect/vitest"
import { Effect, type Layer } from "effect"
import fc from "fast-check"
import { type PayloadOutcome, payloadLifecycle } from "../src/Lifecycle.ts"
import { PayloadQueries } from "../src/ports/PayloadQueries.ts"
import { PayloadStore } from "../src/ports/PayloadStore.ts"
import { type PayloadListQuery, payloadPosition } from "../src/Queries.ts"
import type { StatusEvent } from "../src/StatusEvent.ts"
import { summarize } from "../src/Summary.ts"
import { Micros } from "../src/Timestamp.ts"
import { freshId, freshName, payloadQuery, statusEvent } from "./Fixtures.ts"
import { HOUR_MS } from "./TestDates.ts"

const HOUR = HOUR_MS * 1000
const MINUTE = 60_000_000
const OUTCOMES: ReadonlyArray<PayloadOutcome> = ["success", "error", "in_progress", "stalled"]

export const summarySuite = <E>(
  name: string,
  storeLayer: Layer.Layer<PayloadStore | PayloadQueries, E>,
): void =>
  layer(storeLayer, { excludeTestServices: true, timeout: "120 seconds" })(
    `${name} payload summary`,
    (it) => {
      const record = (events: ReadonlyArray<StatusEvent>) => PayloadStore.use((s) => s.record(events))
      const payloads = (q: Partial<PayloadListQuery>) =>
        PayloadQueries.use((s) => s.listPayloads(payloadQuery(q)))
      // "Now" of the reader, and the statuses' dates, from the clock: 0–3 h before it, so some payloads stall.
      const clock = () => {
        const now = Date.now() * 1000
        return { now, stalledAfter: HOUR, base: now - 3 * HOUR }
      }

      it.effect(
        "the stored summary is summarize(all statuses) whatever the order, duplicates and batches",
        () =>
          Effect.gen(function* () {
            const store = yield* PayloadStore
            const queries = yield* PayloadQueries
            const { now, stalledAfter, base } = clock()
            const at = { now: Micros.make(now), stalledAfter: Micros.make(stalledAfter) }
            const status = fc.record({
              service: fc.constantFrom("ingress", "puptoo", "storage-broker"),
              status: fc.constantFrom("received", "processing", "success", "error", "failed", "successful"),
              status_msg: fc.constantFrom("", "ok", "bad tarball", "\u{1F600}", "\uFFFD"),
              source: fc.constantFrom("", "engine"),
              // Minutes over 3 h: ties on the date are frequent, and so are open payloads older than 1 h.
              minute: fc.integer({ min: 0, max: 179 }),
            })
            yield* Effect.promise(() =>
              fc.assert(
                fc.asyncProperty(
                  fc.array(status, { minLength: 1, maxLength: 12 }),
                  fc.array(fc.nat(), { maxLength: 8 }),
                  fc.integer({ min: 1, max: 4 }),
                  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 20, maxLength: 20 }),
                  async (generated, picks, batches, keys) => {
                    const request_id = freshId()
                    const inventory_id = freshName("host")
                    const events = generated.map((g) =>
                      statusEvent({
                        request_id,
                        inventory_id,
                        service: g.service,
                        status: g.status,
                        status_msg: g.status_msg,
                        source: g.source,
                        date: base + g.minute * MINUTE,
                      }),
                    )
                    // Redeliveries of some statuses, then a shuffle, then a split into batches.
                    const delivered = [...events, ...picks.map((i) => events[i % events.length]!)]
                      .map((e, i) => ({ e, k: keys[i % keys.length]! + i * 1e-9 }))
                      .sort((a, b) => a.k - b.k)
                      .map(({ e }) => e)
                    const size = Math.ceil(delivered.length / batches)
                    for (let i = 0; i < delivered.length; i += size)
                      await Effect.runPromise(store.record(delivered.slice(i, i + size)))
                    const expected = summarize(events)
                    const outcome = payloadLifecycle(events, at)!.outcome
                    const listed = await Effect.runPromise(
                      queries.listPayloads(payloadQuery({ request_id, withSummary: true })),
                    )
                    assert.deepStrictEqual(listed.data[0]?.summary, expected)
                    for (const candidate of OUTCOMES) {
                      const page = await Effect.runPromise(
                        queries.listPayloads(payloadQuery({ request_id, outcome: candidate, outcomeAt: at })),
                      )
                      assert.strictEqual(page.count, candidate === outcome ? 1 : 0, `outcome ${candidate}`)
                    }
                    const host = await Effect.runPromise(
                      queries.hostHistory({
                        inventory_id,
                        limit: 5,
                        now: Micros.make(now),
                        stalledAfter: Micros.make(stalledAfter),
                      }),
                    )
                    assert.deepStrictEqual(host?.uploads[0]?.summary, expected)
                    assert.strictEqual(host?.succeeded, outcome === "success" ? 1 : 0)
                  },
                ),
                { numRuns: 40 },
              ),
            )
          }),
      )

      /** Four payloads of one account, one per outcome, and one of another account. */
      const fleet = Effect.gen(function* () {
        const { now, stalledAfter, base } = clock()
        const account = freshName("acct")
        const ids = { success: freshId(), error: freshId(), in_progress: freshId(), stalled: freshId() }
        const e = (request_id: string, service: string, status: string, minute: number, status_msg = "") =>
          statusEvent({ request_id, account, service, status, status_msg, date: base + minute * MINUTE })
        yield* record([
          e(ids.success, "ingress", "received", 0),
          e(ids.success, "ingress", "success", 1),
          e(ids.success, "puptoo", "received", 2),
          e(ids.success, "puptoo", "success", 3),
          e(ids.error, "ingress", "received", 10),
          e(ids.error, "ingress", "success", 11),
          e(ids.error, "puptoo", "received", 12),
          e(ids.error, "puptoo", "error", 13, "bad tarball"),
          e(ids.error, "storage-broker", "success", 14),
          // Open, latest status 5 minutes old: in progress.
          e(ids.in_progress, "ingress", "received", 170),
          e(ids.in_progress, "ingress", "success", 171),
          e(ids.in_progress, "puptoo", "received", 175),
          // Open, latest status 2 h 40 min old: stalled.
          e(ids.stalled, "ingress", "received", 20),
          e(ids.stalled, "puptoo", "processing", 21),
          statusEvent({
            request_id: freshId(),
            account: freshName("other"),
            service: "puptoo",
            status: "error",
          }),
        ])
        return { account, ids, at: { now: Micros.make(now), stalledAfter: Micros.make(stalledAfter) }, base }
      })

      const requestIds = (page: { readonly data: ReadonlyArray<{ readonly request_id: string }> }) =>
        page.data.map((p) => p.request_id)

      it.effect("filters by outcome, AND-ed with the other filters and the created_at window", () =>
        Effect.gen(function* () {
          const { account, ids, at, base } = yield* fleet
          for (const outcome of OUTCOMES) {
            const page = yield* payloads({ account, outcome, outcomeAt: at })
            assert.deepStrictEqual([page.count, requestIds(page)], [1, [ids[outcome]]], outcome)
          }
          // The window excludes the error payload (created at minute 10).
          const windowed = yield* payloads({
            account,
            outcome: "error",
            created_at: { gte: Micros.make(base + 11 * MINUTE) },
          })
          assert.strictEqual(windowed.count, 0)
          const inWindow = yield* payloads({
            account,
            outcome: "error",
            created_at: { gte: Micros.make(base + 10 * MINUTE) },
          })
          assert.deepStrictEqual(requestIds(inWindow), [ids.error])
          // Success and error need no clock.
          assert.strictEqual((yield* payloads({ account, outcome: "success" })).count, 1)
        }),
      )

      it.effect("filters by service, status and both (the status from that service)", () =>
        Effect.gen(function* () {
          const { account, ids } = yield* fleet
          const list = (q: Partial<PayloadListQuery>) =>
            Effect.map(payloads({ account, sortDir: "asc", ...q }), (p) => [p.count, requestIds(p)])
          assert.deepStrictEqual(yield* list({ service: "storage-broker" }), [1, [ids.error]])
          assert.deepStrictEqual(yield* list({ service: "puptoo" }), [
            4,
            [ids.success, ids.error, ids.stalled, ids.in_progress],
          ])
          assert.deepStrictEqual(yield* list({ status: "error" }), [1, [ids.error]])
          assert.deepStrictEqual(yield* list({ status: "processing" }), [1, [ids.stalled]])
          assert.deepStrictEqual(yield* list({ service: "puptoo", status: "success" }), [1, [ids.success]])
          // storage-broker said success on the error payload, puptoo did not: service+status is per service.
          assert.deepStrictEqual(yield* list({ service: "ingress", status: "error" }), [0, []])
          assert.deepStrictEqual(yield* list({ service: "PupToo", status: "ERROR" }), [1, [ids.error]])
          assert.deepStrictEqual(yield* list({ service: "puptoo", outcome: "error" }), [1, [ids.error]])
          assert.deepStrictEqual(yield* list({ service: "nobody" }), [0, []])
        }),
      )

      // The window shapes the PostgreSQL store reads differently (outcome from the summary's index, status from
      // the statuses' ids of the window): same results, the cursor and other sorts included.
      it.effect("filters by outcome and by status within a created_at window, with the cursor", () =>
        Effect.gen(function* () {
          const { account, ids, at, base } = yield* fleet
          const since = (minute: number) => ({ gte: Micros.make(base + minute * MINUTE) })
          const list = (q: Partial<PayloadListQuery>) =>
            Effect.map(payloads({ account, sortDir: "asc", ...q }), (p) => [p.count, requestIds(p)])
          assert.deepStrictEqual(yield* list({ status: "received", created_at: since(10) }), [
            3,
            [ids.error, ids.stalled, ids.in_progress],
          ])
          assert.deepStrictEqual(yield* list({ service: "puptoo", status: "error", created_at: since(10) }), [
            1,
            [ids.error],
          ])
          // Its puptoo error (minute 13) is in the window, the payload (created at minute 10) is not.
          assert.deepStrictEqual(yield* list({ service: "puptoo", status: "error", created_at: since(11) }), [
            0,
            [],
          ])
          const outcomes = {
            account,
            outcome: "error" as const,
            created_at: since(0),
            sortBy: "created_at" as const,
          }
          const stalled = (yield* payloads({ account, outcome: "stalled", outcomeAt: at })).data[0]!
          const error = (yield* payloads(outcomes)).data[0]!
          const next = yield* payloads({
            ...outcomes,
            sortDir: "desc",
            after: payloadPosition(stalled, "created_at"),
          })
          assert.deepStrictEqual([next.count, requestIds(next)], [1, [ids.error]])
          const past = yield* payloads({
            ...outcomes,
            sortDir: "desc",
            after: payloadPosition(error, "created_at"),
          })
          assert.deepStrictEqual([past.count, requestIds(past)], [1, []])
          const before = yield* payloads({
            ...outcomes,
            sortDir: "asc",
            after: payloadPosition(stalled, "created_at"),
          })
          assert.deepStrictEqual(requestIds(before), [])
          assert.deepStrictEqual(requestIds(yield* payloads({ ...outcomes, sortBy: "account" })), [ids.error])
        }),
      )

      it.effect("keeps count, sort, offset paging and the cursor under the new filters", () =>
        Effect.gen(function* () {
          const { account, ids } = yield* fleet
          const q = { account, service: "ingress", sortBy: "created_at" as const, pageSize: 2 }
          const first = yield* payloads({ ...q, sortDir: "desc" })
          assert.deepStrictEqual(
            [first.count, requestIds(first)],
            [4, [ids.in_progress, ids.stalled]],
            "newest first",
          )
          const second = yield* payloads({ ...q, sortDir: "desc", page: 1 })
          assert.deepStrictEqual(requestIds(second), [ids.error, ids.success])
          const after = payloadPosition(first.data[1]!, "created_at")
          const cursor = yield* payloads({ ...q, sortDir: "desc", after })
          assert.deepStrictEqual([cursor.count, requestIds(cursor)], [4, [ids.error, ids.success]])
          const withSummary = yield* payloads({ ...q, sortDir: "asc", withSummary: true })
          assert.deepStrictEqual(
            withSummary.data.map((p) => [p.request_id, p.summary?.lastStatus.service]),
            [
              [ids.success, "puptoo"],
              [ids.error, "storage-broker"],
            ],
          )
          assert.deepStrictEqual(
            withSummary.data.map((p) => p.summary?.firstError?.status_msg),
            [undefined, "bad tarball"],
          )
          // Without withSummary the item is the plain payload.
          assert.notProperty(first.data[0]!, "summary")
        }),
      )

      it.effect(
        "host history: uploads newest first, the ids seen together, first/last seen and successes",
        () =>
          Effect.gen(function* () {
            const { now, stalledAfter, base } = clock()
            const inventory_id = freshName("inv")
            const [sysA, sysB, other] = [freshName("sys"), freshName("sys"), freshName("inv")]
            const [older, newer, elsewhere] = [freshId(), freshId(), freshId()]
            yield* record([
              statusEvent({
                request_id: older,
                inventory_id,
                system_id: sysA,
                status: "received",
                date: base,
              }),
              statusEvent({ request_id: older, status: "success", date: base + MINUTE }),
              statusEvent({ request_id: newer, inventory_id, system_id: sysB, date: base + 60 * MINUTE }),
              statusEvent({
                request_id: newer,
                service: "puptoo",
                status: "error",
                date: base + 62 * MINUTE,
              }),
              statusEvent({
                request_id: elsewhere,
                inventory_id: other,
                system_id: sysA,
                date: base + 90 * MINUTE,
              }),
            ])
            const byInventory = yield* PayloadQueries.use((q) =>
              q.hostHistory({
                inventory_id,
                limit: 10,
                now: Micros.make(now),
                stalledAfter: Micros.make(stalledAfter),
              }),
            )
            assert.isDefined(byInventory)
            assert.deepStrictEqual(
              byInventory!.uploads.map((u) => [u.payload.request_id, u.summary.lastStatus.status]),
              [
                [newer, "error"],
                [older, "success"],
              ],
            )
            assert.deepStrictEqual(byInventory!.inventory_ids, [inventory_id])
            assert.deepStrictEqual(byInventory!.system_ids, [sysA, sysB].sort())
            assert.deepStrictEqual(
              [byInventory!.firstSeen, byInventory!.lastSeen, byInventory!.total, byInventory!.succeeded],
              [base, base + 62 * MINUTE, 2, 1],
            )
            const bySystem = yield* PayloadQueries.use((q) =>
              q.hostHistory({
                system_id: sysA,
                limit: 1,
                now: Micros.make(now),
                stalledAfter: Micros.make(stalledAfter),
              }),
            )
            assert.deepStrictEqual(
              bySystem!.uploads.map((u) => u.payload.request_id),
              [elsewhere],
              "limit cuts the list, not the totals",
            )
            assert.deepStrictEqual(bySystem!.inventory_ids, [inventory_id, other].sort())
            assert.deepStrictEqual([bySystem!.total, bySystem!.succeeded], [2, 1])
            const unknown = yield* PayloadQueries.use((q) =>
              q.hostHistory({
                inventory_id: freshName("nobody"),
                limit: 10,
                now: Micros.make(now),
                stalledAfter: Micros.make(stalledAfter),
              }),
            )
            assert.isUndefined(unknown)
          }),
      )
    },
  )
