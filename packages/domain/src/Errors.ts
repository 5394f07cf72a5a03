import { Schema } from "effect"

/**
 * The store could not answer (database down, timeout, …): infrastructure failure, wrapped once by the adapter.
 * `message` is the detail for the log and may carry the database's own text: it never reaches a client.
 * `clientMessage`, when the adapter knows what happened, is written for a client (what happened, what to do).
 */
export class StoreUnavailable extends Schema.TaggedError<StoreUnavailable>()("StoreUnavailable", {
  message: Schema.String,
  clientMessage: Schema.optional(Schema.String),
  cause: Schema.optional(Schema.Defect()),
}) {}

/** The archive-link requestor (storage broker) failed; `reason` decides 502 or 504 at the API. */
export class ArchiveLinkFailed extends Schema.TaggedError<ArchiveLinkFailed>()("ArchiveLinkFailed", {
  reason: Schema.Literals(["unreachable", "timeout", "bad_response"]),
  message: Schema.String,
}) {}
