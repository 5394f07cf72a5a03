import type { RequestId } from "./RequestId.ts"
import type { Micros } from "./Timestamp.ts"

/**
 * One status report after validation and normalisation: the unit that every store writes.
 * Text fields use `""` for "absent" (the API omits empty values, and PostgreSQL stores them without NULL
 * handling in unique keys); `request_id` is 32 lower-case hex, `service`/`source`/`status` are lower-case.
 */
export interface StatusEvent {
  readonly request_id: RequestId
  readonly service: string
  readonly source: string
  readonly status: string
  readonly status_msg: string
  readonly date: Micros
  readonly account: string
  readonly org_id: string
  readonly inventory_id: string
  readonly system_id: string
}

/** The fields that make two deliveries "the same status" (docs/status-messages.md, idempotency). */
export const statusIdentity = (
  e: Pick<StatusEvent, "request_id" | "service" | "source" | "status" | "status_msg" | "date">,
): string =>
  `${e.request_id}\u0001${e.service}\u0001${e.source}\u0001${e.status}\u0001${e.status_msg}\u0001${e.date}`
