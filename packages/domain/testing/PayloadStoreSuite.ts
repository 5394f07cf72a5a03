/**
 * The store contract: one suite, run against every adapter of PayloadStore + PayloadQueries (memory,
 * PostgreSQL, PGlite). Write semantics come from docs/status-messages.md, read semantics from docs/api.md.
 *
 * Every test works on its own fresh request ids and tenant values (Fixtures.ts), so the suite runs against a
 * shared, non-empty database without cleanup and tests cannot see each other's rows.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, type Layer } from "effect"
import { PayloadQueries } from "../src/ports/PayloadQueries.ts"
import { PayloadStore } from "../src/ports/PayloadStore.ts"
import type { PayloadListQuery } from "../src/Queries.ts"
import type { RequestId } from "../src/RequestId.ts"
import type { StatusEvent } from "../src/StatusEvent.ts"
import { Micros } from "../src/Timestamp.ts"
import { at, freshId, freshName, listPayloads, listStatuses, statusEvent } from "./Fixtures.ts"
import { DAY_MS, testDay } from "./TestDates.ts"

// Fixture dates derive from the clock (see TestDates.ts): a fixed day goes stale.
const DAY = testDay()

export const payloadStoreSuite = <E>(
  name: string,
  storeLayer: Layer.Layer<PayloadStore | PayloadQueries, E>,
): void =>
  layer(storeLayer, { excludeTestServices: true, timeout: "60 seconds" })(`${name} store contract`, (it) => {
    // The counts only: `finished` has a suite of its own (adapters-memory/testing/StageMetricsSuite.ts).
    const record = (events: ReadonlyArray<StatusEvent>) =>
      Effect.map(
        PayloadStore.use((s) => s.record(events)),
        ({ inserted, duplicates }) => ({ inserted, duplicates }),
      )
    const history = (id: RequestId) => PayloadQueries.use((q) => q.payloadHistory(id))
    const payloads = listPayloads
    const statuses = listStatuses

    it.effect("stores a payload and its statuses, stamping created_at with the store time", () =>
      Effect.gen(function* () {
        const id = freshId()
        const before = Date.now() * 1000
        const result = yield* record([
          statusEvent({
            request_id: id,
            account: "acct",
            org_id: "org",
            date: at(`${DAY}T10:00:00.000001Z`),
          }),
          statusEvent({
            request_id: id,
            status: "success",
            status_msg: "done",
            date: at(`${DAY}T10:00:01Z`),
          }),
        ])
        const after = Date.now() * 1000
        assert.deepStrictEqual(result, { inserted: 2, duplicates: 0 })
        const h = yield* history(id)
        assert.isDefined(h)
        assert.strictEqual(h!.payload.request_id, id)
        assert.strictEqual(h!.payload.account, "acct")
        assert.strictEqual(h!.payload.org_id, "org")
        assert.strictEqual(h!.payload.inventory_id, "")
        assert.strictEqual(h!.payload.created_at, at(`${DAY}T10:00:00.000001Z`))
        assert.strictEqual(h!.statuses.length, 2)
        for (const s of h!.statuses) {
          assert.strictEqual(s.payload_id, h!.payload.id)
          assert.strictEqual(s.request_id, id)
          // A little slack for clocks: the database stamps with its own clock.
          assert.isTrue(s.created_at >= before - 5_000_000 && s.created_at <= after + 5_000_000)
        }
        const done = h!.statuses.find((s) => s.status === "success")!
        assert.strictEqual(done.status_msg, "done")
        assert.strictEqual(done.date, at(`${DAY}T10:00:01Z`))
      }),
    )

    it.effect("an unknown payload has no history", () =>
      Effect.gen(function* () {
        assert.isUndefined(yield* history(freshId()))
      }),
    )

    it.effect("an empty batch is a no-op", () =>
      Effect.gen(function* () {
        assert.deepStrictEqual(yield* record([]), { inserted: 0, duplicates: 0 })
      }),
    )

    it.effect("is idempotent: a redelivered batch and repeats inside a batch are stored once", () =>
      Effect.gen(function* () {
        const id = freshId()
        const batch = [
          statusEvent({ request_id: id, status: "received" }),
          statusEvent({ request_id: id, status: "received" }),
          statusEvent({ request_id: id, status: "success", date: at(`${DAY}T10:00:02Z`) }),
        ]
        assert.deepStrictEqual(yield* record(batch), { inserted: 2, duplicates: 1 })
        assert.deepStrictEqual(yield* record(batch), { inserted: 0, duplicates: 3 })
        assert.strictEqual((yield* history(id))!.statuses.length, 2)
      }),
    )

    it.effect("every identity field distinguishes statuses: service, source, status, status_msg, date", () =>
      Effect.gen(function* () {
        const id = freshId()
        const base = statusEvent({ request_id: id })
        const variants = [
          base,
          { ...base, service: "puptoo" },
          { ...base, source: "insights-client" },
          { ...base, status: "processing" },
          { ...base, status_msg: "other" },
          { ...base, date: Micros.make(base.date + 1) },
        ]
        assert.deepStrictEqual(yield* record(variants), { inserted: 6, duplicates: 0 })
        // Fields outside the identity (tenant values) do not make a new status.
        assert.deepStrictEqual(yield* record([{ ...base, account: "late" }]), { inserted: 0, duplicates: 1 })
        assert.strictEqual((yield* history(id))!.payload.account, "late")
      }),
    )

    it.effect("latest non-empty tenant value wins; an empty one never blanks a stored value", () =>
      Effect.gen(function* () {
        const id = freshId()
        yield* record([statusEvent({ request_id: id, account: "a1", org_id: "o1", inventory_id: "inv1" })])
        yield* record([
          statusEvent({ request_id: id, service: "puptoo", account: "", org_id: "", system_id: "sys" }),
        ])
        let p = (yield* history(id))!.payload
        assert.deepStrictEqual(
          [p.account, p.org_id, p.inventory_id, p.system_id],
          ["a1", "o1", "inv1", "sys"],
        )
        // Inside one batch too: delivery order decides, empties are skipped.
        yield* record([
          statusEvent({ request_id: id, service: "a", account: "a2" }),
          statusEvent({ request_id: id, service: "b", account: "a3", inventory_id: "inv2" }),
          statusEvent({ request_id: id, service: "c", account: "" }),
        ])
        p = (yield* history(id))!.payload
        assert.deepStrictEqual(
          [p.account, p.org_id, p.inventory_id, p.system_id],
          ["a3", "o1", "inv2", "sys"],
        )
      }),
    )

    it.effect("payload created_at is the earliest status date, whatever the arrival order", () =>
      Effect.gen(function* () {
        const id = freshId()
        yield* record([statusEvent({ request_id: id, status: "success", date: at(`${DAY}T10:05:00Z`) })])
        yield* record([statusEvent({ request_id: id, status: "received", date: at(`${DAY}T10:00:00.5Z`) })])
        yield* record([statusEvent({ request_id: id, status: "processing", date: at(`${DAY}T10:03:00Z`) })])
        assert.strictEqual((yield* history(id))!.payload.created_at, at(`${DAY}T10:00:00.5Z`))
      }),
    )

    it.effect("stores dates far apart (old, far future) and many payloads in one batch", () =>
      Effect.gen(function* () {
        const ids = Array.from({ length: 50 }, freshId)
        const years = (n: number) => testDay(Date.now() + n * 365 * DAY_MS)
        const dates = [`${years(-7)}T08:36:30.050513Z`, `${DAY}T10:00:00Z`, `${years(50)}T00:00:00Z`].map(at)
        const batch = ids.flatMap((id) => dates.map((date) => statusEvent({ request_id: id, date })))
        assert.deepStrictEqual(yield* record(batch), { inserted: 150, duplicates: 0 })
        const h = (yield* history(ids[7]!))!
        assert.deepStrictEqual(h.statuses.map((s) => s.date).sort(), [...dates].sort())
        assert.strictEqual(h.payload.created_at, dates[0])
      }),
    )

    it.effect("concurrent writers of the same new payload and names never fail", () =>
      Effect.gen(function* () {
        const id = freshId()
        const service = freshName("svc")
        const batches = Array.from({ length: 6 }, (_, i) => [
          statusEvent({
            request_id: id,
            service,
            source: `${service}-src`,
            status: `${service}-st`,
            date: Micros.make(at(`${DAY}T10:00:00Z`) + i),
          }),
          statusEvent({ request_id: id, service, account: `acct-${i}` }),
        ])
        yield* Effect.all(batches.map(record), { concurrency: "unbounded" })
        const h = (yield* history(id))!
        assert.strictEqual(h.statuses.length, 7)
        assert.match(h.payload.account, /^acct-\d$/)
      }),
    )

    it.effect("lists payloads by tenant with count, sort, tie-breaker and pages that never overlap", () =>
      Effect.gen(function* () {
        const account = freshName("acct")
        const ids = Array.from({ length: 7 }, freshId)
        // Two share a created_at, so only the tie-breaker orders them.
        const dates = [1, 2, 3, 3, 5, 6, 7].map((m) => at(`${DAY}T10:0${m}:00Z`))
        yield* record(
          ids.map((id, i) =>
            statusEvent({ request_id: id, account, org_id: `org-${i % 2}`, date: dates[i]! }),
          ),
        )
        const all = yield* payloads({ account, pageSize: 100 })
        assert.strictEqual(all.count, 7)
        assert.deepStrictEqual(
          all.data.map((p) => p.created_at),
          [...dates].sort().reverse(),
        )
        const paged: Array<number> = []
        for (let page = 0; page < 3; page++)
          paged.push(...(yield* payloads({ account, pageSize: 3, page })).data.map((p) => p.id))
        assert.deepStrictEqual(
          paged,
          all.data.map((p) => p.id),
        )
        const page2 = yield* payloads({ account, pageSize: 3, page: 2 })
        assert.strictEqual(page2.count, 7)
        assert.strictEqual(page2.data.length, 1)
        // Ties on the sort value are broken by id in the sort direction.
        const byOrg = yield* payloads({ account, sortBy: "org_id", sortDir: "asc", pageSize: 100 })
        const expected = [...all.data].sort((a, b) =>
          a.org_id < b.org_id ? -1 : a.org_id > b.org_id ? 1 : a.id - b.id,
        )
        assert.deepStrictEqual(
          byOrg.data.map((p) => p.id),
          expected.map((p) => p.id),
        )
        const byOrgDesc = yield* payloads({ account, sortBy: "org_id", sortDir: "desc", pageSize: 100 })
        assert.deepStrictEqual(
          byOrgDesc.data.map((p) => p.id),
          expected.map((p) => p.id).reverse(),
        )
        const org1 = yield* payloads({ account, org_id: "org-1", pageSize: 100 })
        assert.strictEqual(org1.count, 3)
        const one = yield* payloads({ request_id: ids[4]! })
        assert.deepStrictEqual(
          one.data.map((p) => p.request_id),
          [ids[4]],
        )
        assert.deepStrictEqual(Object.keys(one.data[0]!).sort(), [
          "account",
          "created_at",
          "id",
          "inventory_id",
          "org_id",
          "request_id",
          "system_id",
        ])
        assert.strictEqual((yield* payloads({ account, page: 5 })).data.length, 0)
        assert.strictEqual((yield* payloads({ account: freshName("nobody") })).count, 0)
      }),
    )

    it.effect("filters payloads by created_at bounds (lt, lte, gt, gte) and by host ids", () =>
      Effect.gen(function* () {
        const org_id = freshName("org")
        const [d0, d1, d2, d3] = [1, 2, 3, 4].map((m) => at(`${DAY}T11:0${m}:00Z`)) as [
          Micros,
          Micros,
          Micros,
          Micros,
        ]
        const dates = [d0, d1, d2, d3]
        const ids = dates.map(() => freshId())
        const inventory_id = crypto.randomUUID()
        yield* record(
          ids.map((id, i) =>
            statusEvent({
              request_id: id,
              org_id,
              date: dates[i]!,
              inventory_id: i === 0 ? inventory_id : "",
              system_id: i === 1 ? inventory_id : "",
            }),
          ),
        )
        const count = (created_at: PayloadListQuery["created_at"]) =>
          Effect.map(payloads({ org_id, created_at }), (p) => p.count)
        assert.strictEqual(yield* count({ lt: d2 }), 2)
        assert.strictEqual(yield* count({ lte: d2 }), 3)
        assert.strictEqual(yield* count({ gt: d2 }), 1)
        assert.strictEqual(yield* count({ gte: d2 }), 2)
        assert.strictEqual(yield* count({ gt: d0, lt: d3 }), 2)
        assert.strictEqual((yield* payloads({ inventory_id })).data[0]?.request_id, ids[0])
        assert.strictEqual((yield* payloads({ system_id: inventory_id })).data[0]?.request_id, ids[1])
      }),
    )

    it.effect(
      "lists statuses with filters (service/source/status case-insensitive), no-source rows, count and paging",
      () =>
        Effect.gen(function* () {
          const id = freshId()
          const service = freshName("svc")
          const t = (s: number) => at(`${DAY}T12:00:0${s}Z`)
          yield* record([
            statusEvent({ request_id: id, service, status: "received", date: t(1) }),
            statusEvent({
              request_id: id,
              service,
              source: "insights-client",
              status: "processing",
              status_msg: "=1+2",
              date: t(2),
            }),
            statusEvent({ request_id: id, service, status: "success", status_msg: "Done", date: t(3) }),
            statusEvent({ request_id: id, service: "other", status: "success", date: t(3) }),
          ])
          const mine = yield* statuses({ service: service.toUpperCase(), pageSize: 100 })
          assert.strictEqual(mine.count, 3)
          assert.deepStrictEqual(
            mine.data.map((s) => s.status),
            ["success", "processing", "received"],
          )
          assert.deepStrictEqual(
            mine.data.map((s) => s.source),
            ["", "insights-client", ""],
          )
          assert.strictEqual(mine.data[0]!.request_id, id)
          assert.strictEqual((yield* statuses({ request_id: id, pageSize: 100 })).count, 4)
          assert.strictEqual((yield* statuses({ service, source: "INSIGHTS-CLIENT" })).count, 1)
          assert.strictEqual((yield* statuses({ service, status: "SUCCESS" })).count, 1)
          assert.strictEqual((yield* statuses({ service, status_msg: "Done" })).count, 1)
          assert.strictEqual((yield* statuses({ service, status_msg: "done" })).count, 0)
          assert.strictEqual((yield* statuses({ service, date: { gte: t(2), lt: t(3) } })).count, 1)
          assert.strictEqual((yield* statuses({ service, date: { lte: t(2) } })).count, 2)
          assert.strictEqual(
            (yield* statuses({ service, created_at: { gt: Micros.make(Date.now() * 1000 + 3_600_000_000) } }))
              .count,
            0,
          )
          assert.strictEqual(
            (yield* statuses({ service, created_at: { lt: Micros.make(Date.now() * 1000 + 3_600_000_000) } }))
              .count,
            3,
          )
          const asc = yield* statuses({ request_id: id, sortBy: "service", sortDir: "asc", pageSize: 2 })
          assert.strictEqual(asc.count, 4)
          assert.deepStrictEqual(
            asc.data.map((s) => s.service),
            ["other", service],
          )
          const page1 = yield* statuses({
            request_id: id,
            sortBy: "service",
            sortDir: "asc",
            pageSize: 2,
            page: 1,
          })
          const ids = [...asc.data, ...page1.data].map((s) => s.status_id)
          assert.strictEqual(new Set(ids).size, 4)
        }),
    )

    it.effect("counts statuses per service and status since a time", () =>
      Effect.gen(function* () {
        const service = freshName("svc")
        const t = (h: number) => at(`${DAY}T${String(h).padStart(2, "0")}:00:00Z`)
        yield* record([
          statusEvent({ request_id: freshId(), service, status: "success", date: t(10) }),
          statusEvent({ request_id: freshId(), service, status: "success", date: t(11) }),
          statusEvent({ request_id: freshId(), service, status: "error", date: t(12) }),
          statusEvent({ request_id: freshId(), service, status: "received", date: t(12) }),
          statusEvent({ request_id: freshId(), service, status: "success", date: t(8) }),
        ])
        const counts = (yield* PayloadQueries.use((q) => q.countStatuses(t(9), ["success", "error"])))
          .filter((c) => c.service === service)
          .sort((a, b) => (a.status < b.status ? -1 : 1))
        assert.deepStrictEqual(counts, [
          { service, status: "error", count: 1 },
          { service, status: "success", count: 2 },
        ])
      }),
    )

    it.effect("keeps text as given: unicode, quotes, very long messages", () =>
      Effect.gen(function* () {
        const id = freshId()
        const long = "x".repeat(1_000_000)
        const odd = `quote ' double " backslash \\ emoji 🚀 tab\t`
        yield* record([
          statusEvent({ request_id: id, status_msg: long }),
          statusEvent({ request_id: id, status: "error", status_msg: odd, account: odd }),
        ])
        const h = (yield* history(id))!
        assert.strictEqual(h.statuses.find((s) => s.status === "received")!.status_msg.length, 1_000_000)
        assert.strictEqual(h.statuses.find((s) => s.status === "error")!.status_msg, odd)
        assert.strictEqual(h.payload.account, odd)
      }),
    )
  })
