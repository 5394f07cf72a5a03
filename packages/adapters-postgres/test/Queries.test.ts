import type { StoredStatus } from "@pt/domain/Payload"
import type { PayloadListQuery, StatusListQuery } from "@pt/domain/Queries"
import type { StatusEvent } from "@pt/domain/StatusEvent"
import { Micros } from "@pt/domain/Timestamp"
import { statusEvent } from "@pt/domain/testing/Fixtures"
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import { createTestDatabase, dropTestDatabase } from "../testing/PostgresTestServer.ts"
import { openStore } from "../testing/StoreHarness.ts"

const url = inject("databaseUrl")
let config: PostgresConfig
beforeAll(async () => {
  config = await createTestDatabase(url, "queries")
})
afterAll(() => dropTestDatabase(url, config))

const SERVICES = ["ingress", "puptoo", "advisor", "inventory"]
const STATUSES = ["received", "processing", "success", "error"]
const T0 = 1_795_000_000_000_000
const HOUR = 3_600_000_000

// Deterministic rows with many equal dates (the tie-breaker matters) spread over three days.
const events = (): Array<StatusEvent> => {
  const out: Array<StatusEvent> = []
  for (let p = 0; p < 120; p++)
    for (let k = 0; k < 6; k++) {
      const n = p * 6 + k
      out.push(
        statusEvent({
          request_id: (p + 1).toString(16).padStart(32, "0"),
          service: SERVICES[(n * 7) % SERVICES.length]!,
          status: STATUSES[(n * 5 + p) % STATUSES.length]!,
          source: n % 5 === 0 ? "insights-client" : "",
          status_msg: n % 9 === 0 ? "boom" : "",
          date: T0 + ((n * 37) % 72) * HOUR + (n % 3) * 1000,
        }),
      )
    }
  return out
}

/** The reference: every row, filtered and sorted in JS exactly as docs/api.md says. */
const reference = (all: ReadonlyArray<StoredStatus>, q: StatusListQuery) => {
  const inRange = (v: number, r: StatusListQuery["date"]) =>
    (r.gte === undefined || v >= r.gte) &&
    (r.gt === undefined || v > r.gt) &&
    (r.lt === undefined || v < r.lt) &&
    (r.lte === undefined || v <= r.lte)
  const rows = all.filter(
    (s) =>
      (q.service === undefined || s.service === q.service) &&
      (q.status === undefined || s.status === q.status) &&
      (q.source === undefined || s.source === q.source) &&
      (q.status_msg === undefined || s.status_msg === q.status_msg) &&
      inRange(s.date, q.date),
  )
  const sign = q.sortDir === "asc" ? 1 : -1
  rows.sort((a, b) => {
    const x = a[q.sortBy as keyof StoredStatus]
    const y = b[q.sortBy as keyof StoredStatus]
    const c = x < y ? -1 : x > y ? 1 : a.status_id - b.status_id
    return sign * c
  })
  return { count: rows.length, data: rows.slice(q.page * q.pageSize, (q.page + 1) * q.pageSize) }
}

describe("status lists (loose index scan, lookup names from the cache, totals)", () => {
  it("every filter combination, sort and page equals the reference", () =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const s = yield* openStore(config)
          yield* s.store.record(events())
          const everything = yield* s.queries.listStatuses({
            date: {},
            created_at: {},
            sortBy: "date",
            sortDir: "asc",
            page: 0,
            pageSize: 10_000,
          })
          expect(everything.count).toBe(720)
          const window = { gte: Micros.make(T0 + 10 * HOUR), lt: Micros.make(T0 + 40 * HOUR) }
          const filters: Array<Partial<StatusListQuery>> = [
            {},
            { service: "puptoo" },
            { status: "success" },
            { service: "advisor", status: "error" },
            { date: window },
            { service: "ingress", date: window },
            { status: "received", date: window },
            { source: "insights-client" },
            { source: "" },
            { status_msg: "boom", date: window },
            { service: "nope" },
            // Counts from status_counts: whole hours plus partial edges, every bound kind, inside one hour.
            { date: { gt: Micros.make(T0 + 3 * HOUR + 17), lte: Micros.make(T0 + 50 * HOUR) } },
            { service: "advisor", date: { gte: Micros.make(T0 + 2 * HOUR) } },
            { status: "error", date: { lt: Micros.make(T0 + 20 * HOUR + 5) } },
            { date: { gte: Micros.make(T0 + 7 * HOUR + 1), lt: Micros.make(T0 + 7 * HOUR + 2000) } },
            {
              date: {
                gte: Micros.make(T0 + 7 * HOUR),
                lt: Micros.make(T0 + 9 * HOUR),
                gt: Micros.make(T0 + 8 * HOUR),
              },
            },
          ]
          for (const f of filters)
            for (const sortBy of ["date", "created_at", "service", "status_msg"] as const)
              for (const sortDir of ["asc", "desc"] as const)
                for (const page of [0, 1, 4]) {
                  const q: StatusListQuery = {
                    date: {},
                    created_at: {},
                    sortBy,
                    sortDir,
                    page,
                    pageSize: 7,
                    ...f,
                  }
                  const got = yield* s.queries.listStatuses(q)
                  expect({ q, got }).toEqual({ q, got: reference(everything.data, q) })
                }
          // /stats: whole hours from status_counts plus the partial first hour from the rows.
          for (const since of [T0, T0 + 5 * HOUR, T0 + 5 * HOUR + 1, T0 + 30 * HOUR + 1500, T0 + 99 * HOUR]) {
            const got = yield* s.queries.countStatuses(Micros.make(since), ["success", "error"])
            const expected = new Map<string, number>()
            for (const r of everything.data)
              if (r.date >= since && (r.status === "success" || r.status === "error"))
                expected.set(`${r.service}/${r.status}`, (expected.get(`${r.service}/${r.status}`) ?? 0) + 1)
            expect({ since, counts: new Map(got.map((c) => [`${c.service}/${c.status}`, c.count])) }).toEqual(
              {
                since,
                counts: expected,
              },
            )
          }
        }),
      ),
    ))
})

describe("payload lists by status in a created_at window, no other filter (ListPayloads.ts byStatusInWindow)", () => {
  it("count and pages equal the reference, for error words (outcome index) and the others (key probes)", () =>
    Effect.runPromise(
      Effect.scoped(
        Effect.gen(function* () {
          const s = yield* openStore(config)
          const all = events()
          yield* s.store.record(all)
          const createdAt = new Map<string, number>()
          for (const e of all)
            createdAt.set(e.request_id, Math.min(createdAt.get(e.request_id) ?? e.date, e.date))
          for (const [service, status] of [
            [undefined, "error"],
            ["advisor", "error"],
            ["puptoo", "error"],
            ["ingress", "received"],
            [undefined, "success"],
          ] as const)
            for (const since of [T0, T0 + 10 * HOUR, T0 + 40 * HOUR])
              for (const sortDir of ["asc", "desc"] as const) {
                const matched = [...createdAt].filter(
                  ([id, created]) =>
                    created >= since &&
                    all.some(
                      (e) =>
                        e.request_id === id &&
                        e.status === status &&
                        (service === undefined || e.service === service),
                    ),
                )
                // Newest (or oldest) first, ties by payload id: the ids here are in insertion order.
                matched.sort(([a, x], [b, y]) => (x - y || (a < b ? -1 : 1)) * (sortDir === "asc" ? 1 : -1))
                for (const page of [0, 1]) {
                  const q: PayloadListQuery = {
                    created_at: { gte: Micros.make(since) },
                    ...(service === undefined ? {} : { service }),
                    status,
                    sortBy: "created_at",
                    sortDir,
                    page,
                    pageSize: 9,
                  }
                  const got = yield* s.queries.listPayloads(q)
                  expect({ q, count: got.count, ids: got.data.map((p) => p.request_id) }).toEqual({
                    q,
                    count: matched.length,
                    ids: matched.slice(page * 9, (page + 1) * 9).map(([id]) => id),
                  })
                }
              }
        }),
      ),
    ))
})
