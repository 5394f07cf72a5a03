/**
 * Test data shared by the contract suites and the adapters' own tests. Every test makes its own ids and names, so
 * suites run against a shared, non-empty database without cleanup and never see each other's rows; dates derive
 * from the clock (TestDates.ts).
 */

import { PayloadQueries } from "../src/ports/PayloadQueries.ts"
import type { PayloadListQuery, StatusListQuery } from "../src/Queries.ts"
import { RequestId } from "../src/RequestId.ts"
import type { StatusEvent } from "../src/StatusEvent.ts"
import { Micros, parseStatusDate } from "../src/Timestamp.ts"
import { testDay } from "./TestDates.ts"

const DAY = testDay()

export const freshId = (): RequestId => RequestId.make(crypto.randomUUID().replaceAll("-", ""))
export const freshName = (prefix: string): string => `${prefix}-${freshId().slice(0, 12)}`
export const at = (text: string): Micros => parseStatusDate(text)!

/** What a test says about an event: the id and date as plain values, made RequestId and Micros by `statusEvent`. */
export type StatusEventInput = Partial<Omit<StatusEvent, "request_id" | "date">> & {
  readonly request_id: string
  readonly date?: number
}

/** A valid event of `request_id`: an ingress `received` at 10:00 on the test day, unless overridden. */
export const statusEvent = ({ request_id, date, ...overrides }: StatusEventInput): StatusEvent => ({
  service: "ingress",
  source: "",
  status: "received",
  status_msg: "",
  account: "",
  org_id: "",
  inventory_id: "",
  system_id: "",
  ...overrides,
  request_id: RequestId.make(request_id),
  date: date === undefined ? at(`${DAY}T10:00:00Z`) : Micros.make(date),
})

/** A `/payloads` query: the API's defaults (newest first, first page of 10, no filter) with `q` over them. */
export const payloadQuery = (q: Partial<PayloadListQuery>): PayloadListQuery => ({
  created_at: {},
  sortBy: "created_at",
  sortDir: "desc",
  page: 0,
  pageSize: 10,
  ...q,
})

/** A `/statuses` query: the API's defaults (latest first, first page of 10, no filter) with `q` over them. */
export const statusQuery = (q: Partial<StatusListQuery>): StatusListQuery => ({
  date: {},
  created_at: {},
  sortBy: "date",
  sortDir: "desc",
  page: 0,
  pageSize: 10,
  ...q,
})

/** The store's `/payloads` page for `q` over the defaults. */
export const listPayloads = (q: Partial<PayloadListQuery>) =>
  PayloadQueries.use((s) => s.listPayloads(payloadQuery(q)))

/** The store's `/statuses` page for `q` over the defaults. */
export const listStatuses = (q: Partial<StatusListQuery>) =>
  PayloadQueries.use((s) => s.listStatuses(statusQuery(q)))
