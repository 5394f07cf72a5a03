import { Schema } from "effect"

/** The store could not answer (database down, timeout, …): infrastructure failure, wrapped once by the adapter. */
export class StoreUnavailable extends Schema.TaggedError<StoreUnavailable>()("StoreUnavailable", {
  message: Schema.String,
  cause: Schema.optional(Schema.Defect()),
}) {}

/** The archive-link requestor (storage broker) failed; `reason` decides 502 or 504 at the API. */
export class ArchiveLinkFailed extends Schema.TaggedError<ArchiveLinkFailed>()("ArchiveLinkFailed", {
  reason: Schema.Literals(["unreachable", "timeout", "bad_response"]),
  message: Schema.String,
}) {}
