import { Schema } from "effect"

/**
 * The store could not answer (database down, timeout, …): the one error of the PayloadStore and PayloadQueries
 * ports, an infrastructure failure wrapped once by the adapter. `message` is the detail for the log and may carry
 * the database's own text: it never reaches a client. `clientMessage`, when the adapter knows what happened, is
 * written for a client (what happened, what to do).
 */
export class StoreUnavailable extends Schema.TaggedError<StoreUnavailable>()("StoreUnavailable", {
  message: Schema.String,
  clientMessage: Schema.optional(Schema.String),
  cause: Schema.optional(Schema.Defect()),
}) {}
