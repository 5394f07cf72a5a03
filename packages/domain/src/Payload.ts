import type { RequestId } from "./RequestId.ts"
import type { Micros } from "./Timestamp.ts"

/** A stored payload: one row per normalised request_id. Unknown values are `""`. */
export interface Payload {
  readonly id: number
  readonly request_id: RequestId
  readonly account: string
  readonly inventory_id: string
  readonly system_id: string
  /** The earliest status `date` seen for the payload (out-of-order safe). */
  readonly created_at: Micros
  readonly org_id: string
}

/** A stored status, joined with its payload's id and request_id. */
export interface StoredStatus {
  /** The status row's own id: the unique tie-breaker for sorting. */
  readonly status_id: number
  readonly payload_id: number
  readonly request_id: RequestId
  readonly service: string
  readonly source: string
  readonly status: string
  readonly status_msg: string
  readonly date: Micros
  /** When the tracker stored the status. */
  readonly created_at: Micros
}

export const PAYLOAD_FIELDS = ["account", "org_id", "inventory_id", "system_id"] as const

/** Latest non-empty value wins; an empty value never blanks a stored one (docs/status-messages.md). */
export const mergePayloadField = (stored: string, incoming: string): string =>
  incoming === "" ? stored : incoming
