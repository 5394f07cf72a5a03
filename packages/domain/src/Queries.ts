import type { PayloadOutcome } from "./Lifecycle.ts"
import type { Payload, StoredStatus } from "./Payload.ts"
import type { OutcomeAt, PayloadSummary } from "./Summary.ts"
import type { Micros } from "./Timestamp.ts"

/** Bounds on a timestamp column; each bound is optional and they are AND-ed. */
export interface TimeRange {
  readonly lt?: Micros
  readonly lte?: Micros
  readonly gt?: Micros
  readonly gte?: Micros
}

export type SortDir = "asc" | "desc"

/**
 * Where a keyset page starts: strictly after this row of the sort order, given by its sort key (text, or
 * microseconds for a timestamp column) and its unique tie-breaker (payload id, status id). Deep pages then
 * cost what the first page costs, instead of reading and discarding every row before them.
 */
export interface After {
  readonly key: string | number
  readonly id: number
}

/** `page` (offset paging) or `after` (keyset paging, with `page` 0): the API never sends both. */
export interface Paging {
  readonly page: number
  readonly pageSize: number
  readonly after?: After
}

export const PAYLOAD_SORT_FIELDS = ["account", "org_id", "inventory_id", "system_id", "created_at"] as const
type PayloadSortField = (typeof PAYLOAD_SORT_FIELDS)[number]

export const STATUS_SORT_FIELDS = [
  "service",
  "source",
  "request_id",
  "status",
  "status_msg",
  "date",
  "created_at",
] as const
type StatusSortField = (typeof STATUS_SORT_FIELDS)[number]

export const HISTORY_SORT_FIELDS = [
  "service",
  "source",
  "status",
  "status_msg",
  "date",
  "created_at",
] as const
export type HistorySortField = (typeof HISTORY_SORT_FIELDS)[number]

/** `GET /payloads`: exact-match filters, a created_at window, a sort (tie-broken by id) and a page. */
export interface PayloadListQuery extends Paging {
  readonly account?: string
  readonly org_id?: string
  readonly inventory_id?: string
  readonly system_id?: string
  readonly request_id?: string
  readonly created_at: TimeRange
  readonly sortBy: PayloadSortField
  readonly sortDir: SortDir
  /** Only payloads with this outcome (Lifecycle.ts rules, from the stored summary). */
  readonly outcome?: PayloadOutcome
  /**
   * The clock and threshold that tell `stalled` from `in_progress`; required with those two outcomes (a store
   * answers the other two without it). Callers pass their Clock and `StalledAfter` (Track.ts).
   */
  readonly outcomeAt?: OutcomeAt
  /** Only payloads with a status from this service (matched lower-case). */
  readonly service?: string
  /** Only payloads with a status of this word (matched lower-case); with `service`, from that service. */
  readonly status?: string
  /** Items then carry `summary` (the default item is the plain payload). */
  readonly withSummary?: boolean
}

/** A listed payload; `summary` only when the query asked `withSummary`. */
export type PayloadListItem = Payload & { readonly summary?: PayloadSummary }

/** A host's uploads: by `inventory_id` or `system_id` (exactly one is given). */
export interface HostHistoryQuery {
  readonly inventory_id?: string
  readonly system_id?: string
  /** At most this many uploads, newest first (the totals count all of them). */
  readonly limit: number
  readonly now: Micros
  readonly stalledAfter: Micros
}

interface HostUpload {
  readonly payload: Payload
  readonly summary: PayloadSummary
}

export interface HostHistory {
  /** Newest first (by `created_at`, then id), at most `limit`. */
  readonly uploads: ReadonlyArray<HostUpload>
  /** Every non-empty inventory_id of the host's payloads (the asked one included), sorted. */
  readonly inventory_ids: ReadonlyArray<string>
  /** Every non-empty system_id of the host's payloads (the asked one included), sorted. */
  readonly system_ids: ReadonlyArray<string>
  /** Earliest `created_at` of the host's payloads. */
  readonly firstSeen: Micros
  /** Latest status date of the host's payloads. */
  readonly lastSeen: Micros
  /** Payloads of the host. */
  readonly total: number
  /** Of them, those whose outcome is `success`. */
  readonly succeeded: number
}

/** `GET /statuses`: `service`, `source` and `status` are matched lower-case (they are stored lower-case). */
export interface StatusListQuery extends Paging {
  readonly service?: string
  readonly source?: string
  readonly status?: string
  readonly status_msg?: string
  readonly request_id?: string
  readonly date: TimeRange
  readonly created_at: TimeRange
  readonly sortBy: StatusSortField
  readonly sortDir: SortDir
}

export interface Page<A> {
  readonly count: number
  readonly data: ReadonlyArray<A>
}

/** Per-service counts of the given statuses since a time, for `/stats`. */
export interface StatusCount {
  readonly service: string
  readonly status: string
  readonly count: number
}

export const inRange = (value: Micros, range: TimeRange): boolean =>
  (range.lt === undefined || value < range.lt) &&
  (range.lte === undefined || value <= range.lte) &&
  (range.gt === undefined || value > range.gt) &&
  (range.gte === undefined || value >= range.gte)

/** The keyset position of a listed payload: the next page starts after it. */
export const payloadPosition = (p: Payload, sortBy: PayloadSortField): After => ({ key: p[sortBy], id: p.id })

/** The keyset position of a listed status (tie-broken by the status id, not the payload id). */
export const statusPosition = (s: StoredStatus, sortBy: StatusSortField): After => ({
  key: s[sortBy],
  id: s.status_id,
})
