/**
 * The keyset (cursor) paging contract, run against every store adapter next to PayloadStoreSuite: walking a
 * list by `after` (the position of the last row of each page) yields exactly the rows of offset paging, in the
 * same order, with no duplicates or gaps, for every sort field and direction, with many ties on the sort key;
 * and `count` stays the total of the filters on every page.
 *
 * Like PayloadStoreSuite, every test works on its own fresh ids and names, so it runs against a shared database.
 */
import { assert, layer } from "@effect/vitest"
import { Effect, type Layer } from "effect"
import type { Payload, StoredStatus } from "../src/Payload.ts"
import type { PayloadQueries } from "../src/ports/PayloadQueries.ts"
import { PayloadStore } from "../src/ports/PayloadStore.ts"
import {
  type After,
  PAYLOAD_SORT_FIELDS,
  type Page,
  payloadPosition,
  type SortDir,
  STATUS_SORT_FIELDS,
  type StatusListQuery,
  statusPosition,
} from "../src/Queries.ts"
import type { StatusEvent } from "../src/StatusEvent.ts"
import { freshId, freshName, listPayloads, listStatuses, statusEvent } from "./Fixtures.ts"
import { micros, testDay } from "./TestDates.ts"

// Fixture dates derive from the clock (see TestDates.ts): a fixed day goes stale.
const DAY = testDay()
const DIRS: ReadonlyArray<SortDir> = ["asc", "desc"]

/** Every row of a list, page by page, each page starting after the last row of the one before. */
const walk = <A>(
  list: (after: After | undefined) => Effect.Effect<Page<A>, unknown, PayloadQueries>,
  position: (row: A) => After,
  pageSize: number,
  total: number,
) =>
  Effect.gen(function* () {
    const rows: Array<A> = []
    let after: After | undefined
    // Bounded: a store that ignored `after` would loop forever.
    for (let pages = 0; pages <= total + 1; pages++) {
      const page = yield* list(after)
      assert.strictEqual(page.count, total, "count is the total of the filters on every page")
      rows.push(...page.data)
      if (page.data.length < pageSize) return rows
      after = position(page.data[page.data.length - 1]!)
    }
    throw new Error("the walk did not end: the store ignores `after`")
  })

export const cursorPagingSuite = <E>(
  name: string,
  storeLayer: Layer.Layer<PayloadStore | PayloadQueries, E>,
): void =>
  layer(storeLayer, { excludeTestServices: true, timeout: "60 seconds" })(`${name} keyset paging`, (it) => {
    const record = (events: ReadonlyArray<StatusEvent>) => PayloadStore.use((s) => s.record(events))
    const payloads = listPayloads
    const statuses = listStatuses

    it.effect("walks payloads by position exactly like offset pages, for every sort, with ties", () =>
      Effect.gen(function* () {
        const account = freshName("acct")
        // 11 payloads over 3 dates, 3 orgs and 2 inventory ids (some empty): every sort key has ties.
        const events = Array.from({ length: 11 }, (_, i) =>
          statusEvent({
            request_id: freshId(),
            account,
            org_id: `org-${i % 3}`,
            inventory_id: i % 4 === 0 ? "" : `inv-${i % 2}`,
            system_id: i % 5 === 0 ? "sys-a" : "",
            date: micros(`${DAY}T0${i % 3}:00:00.000001Z`),
          }),
        )
        yield* record(events)
        for (const sortBy of PAYLOAD_SORT_FIELDS)
          for (const sortDir of DIRS) {
            const all = yield* payloads({ account, sortBy, sortDir, pageSize: 100 })
            assert.strictEqual(all.count, 11)
            for (const pageSize of [1, 2, 4]) {
              const walked = yield* walk(
                (after) => payloads({ account, sortBy, sortDir, pageSize, ...(after ? { after } : {}) }),
                (p: Payload) => payloadPosition(p, sortBy),
                pageSize,
                11,
              )
              assert.deepStrictEqual(
                walked.map((p) => p.id),
                all.data.map((p) => p.id),
                `sort_by=${sortBy} sort_dir=${sortDir} page_size=${pageSize}`,
              )
            }
          }
      }),
    )

    it.effect("walks statuses by position exactly like offset pages, for every sort and query shape", () =>
      Effect.gen(function* () {
        const service = freshName("svc")
        const ids = [freshId(), freshId(), freshId()]
        // 18 statuses: 3 payloads × 3 statuses × 2 sources (one of them none), two dates shared by many rows,
        // one status_msg shared by half of them. All are stored in one batch, so created_at ties everywhere.
        const events: Array<StatusEvent> = []
        for (const [n, request_id] of ids.entries())
          for (const [k, status] of ["received", "processing", "success"].entries())
            for (const source of ["", "inventory"])
              events.push(
                statusEvent({
                  request_id,
                  service,
                  status,
                  source,
                  status_msg: (n + k) % 2 === 0 ? "same message" : "",
                  date: micros(`${DAY}T1${(n + k) % 2}:00:00.000001Z`),
                }),
              )
        yield* record(events)
        // The query shapes take different paths in the PostgreSQL adapter: a name sort (joins), the loose index
        // scan for date (one of service/status fixed), an index on both (service and status fixed), and
        // filters outside that index (request_id, status_msg).
        const shapes: ReadonlyArray<Partial<StatusListQuery>> = [
          { service },
          { service, status: "success" },
          { service, request_id: ids[1]! },
          { service, status_msg: "same message" },
        ]
        for (const shape of shapes) {
          for (const sortBy of STATUS_SORT_FIELDS)
            for (const sortDir of DIRS) {
              const all = yield* statuses({ ...shape, sortBy, sortDir, pageSize: 100 })
              assert.isAbove(all.count, 0)
              for (const pageSize of [1, 4]) {
                const walked = yield* walk(
                  (after) => statuses({ ...shape, sortBy, sortDir, pageSize, ...(after ? { after } : {}) }),
                  (s: StoredStatus) => statusPosition(s, sortBy),
                  pageSize,
                  all.count,
                )
                assert.deepStrictEqual(
                  walked.map((s) => s.status_id),
                  all.data.map((s) => s.status_id),
                  `${JSON.stringify(shape)} sort_by=${sortBy} sort_dir=${sortDir} page_size=${pageSize}`,
                )
              }
            }
        }
      }),
    )

    it.effect("a position need not be a stored row; past the end the page is empty and count stays", () =>
      Effect.gen(function* () {
        const account = freshName("acct")
        const dates = ["01:00:00Z", "02:00:00Z", "03:00:00Z"].map((t) => micros(`${DAY}T${t}`))
        yield* record(dates.map((date) => statusEvent({ request_id: freshId(), account, date })))
        const all = (yield* payloads({ account, sortDir: "asc" })).data
        // Between the first and second payload, with an id larger than any: the walk resumes at the second.
        const between = yield* payloads({
          account,
          sortDir: "asc",
          after: { key: dates[0]! + 1, id: Number.MAX_SAFE_INTEGER },
        })
        assert.deepStrictEqual(
          between.data.map((p) => p.id),
          all.slice(1).map((p) => p.id),
        )
        const past = yield* payloads({
          account,
          sortDir: "asc",
          after: payloadPosition(all[2]!, "created_at"),
        })
        assert.deepStrictEqual([past.count, past.data.length], [3, 0])
        // Offset and position combine: the page after the position.
        const next = yield* payloads({
          account,
          sortDir: "asc",
          pageSize: 1,
          page: 1,
          after: payloadPosition(all[0]!, "created_at"),
        })
        assert.deepStrictEqual(
          next.data.map((p) => p.id),
          [all[2]!.id],
        )
      }),
    )
  })
