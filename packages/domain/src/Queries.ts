import type { Micros } from "./Timestamp.ts"

/** Bounds on a timestamp column; each bound is optional and they are AND-ed. */
export interface TimeRange {
  readonly lt?: Micros
  readonly lte?: Micros
  readonly gt?: Micros
  readonly gte?: Micros
}

export type SortDir = "asc" | "desc"

export interface Paging {
  readonly page: number
  readonly pageSize: number
}

export const PAYLOAD_SORT_FIELDS = ["account", "org_id", "inventory_id", "system_id", "created_at"] as const
export type PayloadSortField = (typeof PAYLOAD_SORT_FIELDS)[number]

export const STATUS_SORT_FIELDS = [
  "service",
  "source",
  "request_id",
  "status",
  "status_msg",
  "date",
  "created_at",
] as const
export type StatusSortField = (typeof STATUS_SORT_FIELDS)[number]

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
