import { mergePayloadField, PAYLOAD_FIELDS, type Payload, type StoredStatus } from "@pt/domain/Payload"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { PayloadStore, type RecordResult } from "@pt/domain/ports/PayloadStore"
import {
  type HostHistoryQuery,
  inRange,
  type Page,
  type Paging,
  type PayloadListItem,
  type PayloadListQuery,
  type SortDir,
  type StatusCount,
} from "@pt/domain/Queries"
import { type StatusEvent, statusIdentity } from "@pt/domain/StatusEvent"
import {
  compareText,
  mergeServiceSummary,
  type OutcomeAt,
  type PayloadSummary,
  type ServiceSummary,
  statusSummary,
  summaryOfServices,
  summaryOutcome,
} from "@pt/domain/Summary"
import { Micros, microsFromMillis } from "@pt/domain/Timestamp"
import { StalledAfter } from "@pt/domain/Track"
import { Clock, Context, Effect, Layer } from "effect"
import { analyticsOf } from "./MemoryAnalytics.ts"
import { finishedStages, openByService } from "./OpenByService.ts"

/**
 * A real, in-process implementation of the store ports, with the same semantics as the PostgreSQL adapter
 * (proven by the shared contract suite). Used by unit tests, API tests and the embedded start.
 * All state lives inside the layer; JS is single-threaded, so each `record` is atomic.
 */
type MutablePayload = { -readonly [K in keyof Payload]: Payload[K] }

// Byte-wise ordering like PostgreSQL's "C" collation, which the PostgreSQL adapter uses for sortable text.
const compareValues = (x: string | number, y: string | number): number => (x < y ? -1 : x > y ? 1 : 0)

const sortAndPage = <A>(
  rows: Array<A>,
  key: (row: A) => string | number,
  tieBreaker: (row: A) => number,
  dir: SortDir,
  { page, pageSize, after }: Paging,
): Page<A> => {
  const sign = dir === "asc" ? 1 : -1
  const order = (k: string | number, id: number, b: A) =>
    sign * (compareValues(k, key(b)) || id - tieBreaker(b))
  rows.sort((a, b) => order(key(a), tieBreaker(a), b))
  // Keyset paging: the rows strictly after `after` in this order; `count` stays the total of the filters.
  const from = after === undefined ? 0 : firstAfter(rows, (row) => order(after.key, after.id, row) < 0)
  return { count: rows.length, data: rows.slice(from + page * pageSize, from + (page + 1) * pageSize) }
}

/** The first index whose row is after the position (rows are sorted, so a binary search). */
const firstAfter = <A>(rows: ReadonlyArray<A>, isAfter: (row: A) => boolean): number => {
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (isAfter(rows[mid]!)) hi = mid
    else lo = mid + 1
  }
  return lo
}

const wordKey = (service: string | undefined, status: string | undefined): string =>
  `${service ?? ""}\u0001${status ?? ""}\u0001${service === undefined ? 0 : 1}${status === undefined ? 0 : 1}`

/** The query's clock and threshold, else the reader's Clock and StalledAfter (Track.ts). */
const outcomeAt = (given: OutcomeAt | undefined): Effect.Effect<OutcomeAt> =>
  given !== undefined
    ? Effect.succeed(given)
    : Effect.gen(function* () {
        return { now: microsFromMillis(yield* Clock.currentTimeMillis), stalledAfter: yield* StalledAfter }
      })

export const makeMemoryStore = Effect.sync(() => {
  const payloads = new Map<string, MutablePayload>()
  const payloadsById = new Map<number, MutablePayload>()
  const statuses: Array<StoredStatus> = []
  const statusesByRequest = new Map<string, Array<StoredStatus>>()
  const seen = new Set<string>()
  // The summary of each payload's statuses, merged in `record` (docs/status-messages.md; Summary.ts), and the
  // (service, word) pairs it has, for the `service`/`status` filters.
  const services = new Map<number, Map<string, ServiceSummary>>()
  const summaries = new Map<number, PayloadSummary>()
  const words = new Map<number, Set<string>>()
  let nextPayloadId = 1
  let nextStatusId = 1

  const upsertPayload = (e: StatusEvent): MutablePayload => {
    let p = payloads.get(e.request_id)
    if (p === undefined) {
      p = {
        id: nextPayloadId++,
        request_id: e.request_id,
        account: "",
        inventory_id: "",
        system_id: "",
        created_at: e.date,
        org_id: "",
      }
      payloads.set(e.request_id, p)
      payloadsById.set(p.id, p)
    }
    return p
  }

  const summarizeInto = (payloadId: number, e: StatusEvent, batch: ReturnType<typeof finishedStages>) => {
    let byService = services.get(payloadId)
    if (byService === undefined) {
      byService = new Map()
      services.set(payloadId, byService)
    }
    const one = statusSummary(e)
    const known = byService.get(e.service)
    batch.before(payloadId, e.service, known)
    byService.set(e.service, known === undefined ? one : mergeServiceSummary(known, one))
    summaries.delete(payloadId)
    let seenWords = words.get(payloadId)
    if (seenWords === undefined) {
      seenWords = new Set()
      words.set(payloadId, seenWords)
    }
    seenWords.add(wordKey(e.service, e.status))
    seenWords.add(wordKey(undefined, e.status))
    seenWords.add(wordKey(e.service, undefined))
  }

  /** The payload's summary (built from its services on first read after a write). */
  const summaryOf = (payloadId: number): PayloadSummary | undefined => {
    const cached = summaries.get(payloadId)
    if (cached !== undefined) return cached
    const byService = services.get(payloadId)
    if (byService === undefined) return undefined
    const summary = summaryOfServices(
      Object.fromEntries([...byService].sort(([a], [b]) => compareText(a, b))),
    )!
    summaries.set(payloadId, summary)
    return summary
  }

  const matchesSummary = (p: Payload, q: PayloadListQuery, at: OutcomeAt): boolean => {
    if (q.service !== undefined || q.status !== undefined) {
      const key = wordKey(q.service?.toLowerCase(), q.status?.toLowerCase())
      if (!words.get(p.id)?.has(key)) return false
    }
    if (q.outcome !== undefined) {
      const summary = summaryOf(p.id)
      if (summary === undefined || summaryOutcome(summary, at) !== q.outcome) return false
    }
    return true
  }

  const record = (events: ReadonlyArray<StatusEvent>) =>
    Effect.map(Clock.currentTimeMillis, (now): RecordResult => {
      let inserted = 0
      const batch = finishedStages()
      for (const e of events) {
        const p = upsertPayload(e)
        if (e.date < p.created_at) p.created_at = e.date
        // Latest non-empty value (in delivery order) wins, as in the existing service.
        for (const field of PAYLOAD_FIELDS) p[field] = mergePayloadField(p[field], e[field])
        const identity = statusIdentity(e)
        if (seen.has(identity)) continue
        seen.add(identity)
        const row: StoredStatus = {
          status_id: nextStatusId++,
          payload_id: p.id,
          request_id: e.request_id,
          service: e.service,
          source: e.source,
          status: e.status,
          status_msg: e.status_msg,
          date: e.date,
          created_at: microsFromMillis(now),
        }
        statuses.push(row)
        summarizeInto(p.id, e, batch)
        const list = statusesByRequest.get(e.request_id)
        if (list) list.push(row)
        else statusesByRequest.set(e.request_id, [row])
        inserted++
      }
      const finished = batch.finished((payloadId, service) => services.get(payloadId)!.get(service)!)
      return { inserted, duplicates: events.length - inserted, finished }
    })

  const store = PayloadStore.of({ record, ping: Effect.void })

  const queries = PayloadQueries.of({
    listPayloads: (q) =>
      Effect.map(outcomeAt(q.outcomeAt), (at): Page<PayloadListItem> => {
        const rows = [...payloads.values()].filter(
          (p) =>
            (q.account === undefined || p.account === q.account) &&
            (q.org_id === undefined || p.org_id === q.org_id) &&
            (q.inventory_id === undefined || p.inventory_id === q.inventory_id) &&
            (q.system_id === undefined || p.system_id === q.system_id) &&
            (q.request_id === undefined || p.request_id === q.request_id) &&
            inRange(p.created_at, q.created_at) &&
            matchesSummary(p, q, at),
        )
        const page = sortAndPage(
          rows,
          (p) => p[q.sortBy],
          (p) => p.id,
          q.sortDir,
          q,
        )
        return {
          count: page.count,
          data: page.data.map((p) => (q.withSummary ? { ...p, summary: summaryOf(p.id)! } : { ...p })),
        }
      }),
    listStatuses: (q) =>
      Effect.sync(() => {
        const source = q.request_id === undefined ? statuses : (statusesByRequest.get(q.request_id) ?? [])
        const rows = source.filter(
          (s) =>
            (q.service === undefined || s.service === q.service.toLowerCase()) &&
            (q.source === undefined || s.source === q.source.toLowerCase()) &&
            (q.status === undefined || s.status === q.status.toLowerCase()) &&
            (q.status_msg === undefined || s.status_msg === q.status_msg) &&
            inRange(s.date, q.date) &&
            inRange(s.created_at, q.created_at),
        )
        return sortAndPage(
          rows,
          (s) => s[q.sortBy],
          (s) => s.status_id,
          q.sortDir,
          q,
        )
      }),
    payloadHistory: (requestId) =>
      Effect.sync(() => {
        const p = payloads.get(requestId)
        const list = statusesByRequest.get(requestId)
        return p === undefined || list === undefined ? undefined : { payload: { ...p }, statuses: [...list] }
      }),
    countStatuses: (since, wanted) =>
      Effect.sync(() => {
        const want = new Set(wanted)
        const counts = new Map<string, StatusCount>()
        for (const s of statuses) {
          if (s.date < since || !want.has(s.status)) continue
          const key = `${s.service}\u0001${s.status}`
          const c = counts.get(key)
          counts.set(key, { service: s.service, status: s.status, count: (c?.count ?? 0) + 1 })
        }
        return [...counts.values()]
      }),
    hostHistory: (q: HostHistoryQuery) =>
      Effect.sync(() => {
        const host = [...payloads.values()].filter(
          (p) =>
            (q.inventory_id === undefined || p.inventory_id === q.inventory_id) &&
            (q.system_id === undefined || p.system_id === q.system_id) &&
            summaryOf(p.id) !== undefined,
        )
        if (host.length === 0 || (q.inventory_id === undefined && q.system_id === undefined)) return undefined
        host.sort((a, b) => b.created_at - a.created_at || b.id - a.id)
        const ids = (field: "inventory_id" | "system_id") =>
          [...new Set(host.map((p) => p[field]).filter((v) => v !== ""))].sort(compareText)
        const at = { now: q.now, stalledAfter: q.stalledAfter }
        return {
          uploads: host.slice(0, q.limit).map((p) => ({ payload: { ...p }, summary: summaryOf(p.id)! })),
          inventory_ids: ids("inventory_id"),
          system_ids: ids("system_id"),
          firstSeen: Micros.make(Math.min(...host.map((p) => p.created_at))),
          lastSeen: Micros.make(Math.max(...host.map((p) => summaryOf(p.id)!.lastDate))),
          total: host.length,
          succeeded: host.filter((p) => summaryOutcome(summaryOf(p.id)!, at) === "success").length,
        }
      }),
    openByService: (at) =>
      Effect.sync(() =>
        openByService(
          Array.from(services.keys(), (id) => summaryOf(id)!),
          at,
        ),
      ),
    pipelineAnalytics: (q) =>
      Effect.sync(() =>
        analyticsOf(
          (function* () {
            for (const p of payloads.values()) {
              const summary = summaryOf(p.id)
              if (summary !== undefined) yield { request_id: p.request_id, summary }
            }
          })(),
          q,
        ),
      ),
  })
  return { store, queries }
})

/** Both store ports backed by one shared in-memory state. */
export const MemoryPayloadStoreLayer: Layer.Layer<PayloadStore | PayloadQueries> = Layer.effectContext(
  Effect.map(makeMemoryStore, ({ store, queries }) =>
    Context.make(PayloadStore, store).pipe(Context.add(PayloadQueries, queries)),
  ),
)
