import { Schema, SchemaGetter } from "effect"
import { PayloadSummaryItem } from "./SummarySchemas.ts"
import { Text, Timestamp } from "./WireCodecs.ts"

/**
 * Response bodies of docs/api.md, encoded from the domain's rows (WireCodecs.ts: timestamps, empty text ⇒ key
 * omitted). Field order here is the key order on the wire (existing clients and the spec depend on it).
 */

export const PayloadItem = Schema.Struct({
  id: Schema.Number,
  request_id: Schema.String,
  account: Schema.String,
  inventory_id: Schema.String,
  system_id: Schema.String,
  created_at: Timestamp,
  org_id: Schema.String,
}).annotate({ identifier: "Payload" })

const listOf = <S extends Schema.Top>(item: S, identifier: string) =>
  Schema.Struct({
    count: Schema.Int.annotate({ description: "Rows matching the filters, ignoring paging" }),
    elapsed: Schema.Number.annotate({ description: "Seconds the handler spent" }),
    data: Schema.Array(item),
  }).annotate({ identifier })

/** A `/payloads` item: the seven keys, then `summary` only when asked for (`summary=true`). */
const ListedPayload = Schema.Struct({
  ...PayloadItem.fields,
  // Documentation of the wire (openapi.json) goes on the Encoded side.
  summary: Schema.optionalKey(
    PayloadSummaryItem.pipe(Schema.annotateEncoded({ description: "Only with summary=true" })),
  ),
}).annotate({ identifier: "ListedPayload" })

export const PayloadList = listOf(ListedPayload, "PayloadList")

/** One status of `/payloads/{request_id}`; verbosity 1 and 2 emit subsets of these keys, in this order. */
export const HistoryStatus = Schema.Struct({
  id: Schema.optionalKey(Schema.Number),
  service: Text,
  source: Text,
  account: Text,
  org_id: Text,
  request_id: Text,
  inventory_id: Text,
  system_id: Text,
  created_at: Schema.optionalKey(Timestamp),
  status: Text,
  status_msg: Text,
  date: Schema.optionalKey(Timestamp),
}).annotate({ identifier: "PayloadStatus" })
export type HistoryStatus = typeof HistoryStatus.Type

export const PayloadHistory = Schema.Struct({
  data: Schema.Array(HistoryStatus),
  duration: Schema.Record(Schema.String, Schema.String).annotate({
    description: "`<service>:<source>`, `total_time_in_services` and `total_time` as HH:MM:SS.ffffff",
  }),
}).annotate({ identifier: "PayloadHistory" })

/** The payload id as a string, as the Go service sends it. */
const PayloadIdText = Schema.String.annotate({ description: "The payload id, as a string" }).pipe(
  Schema.decodeTo(Schema.Number, {
    decode: SchemaGetter.transform(Number),
    encode: SchemaGetter.transform(String),
  }),
)

/** An item of `/statuses`: a stored status (StoredStatus) as it is, its `payload_id` sent as `id`. */
const StatusItem = Schema.Struct({
  request_id: Text,
  status: Text,
  payload_id: Schema.optionalKey(PayloadIdText),
  service: Text,
  source: Text,
  status_msg: Text,
  date: Schema.optionalKey(Timestamp),
  created_at: Schema.optionalKey(Timestamp),
})
  .pipe(Schema.encodeKeys({ payload_id: "id" }), Schema.annotateEncoded({ identifier: "Status" }))
  .annotate({ identifier: "Status" })

export const StatusList = listOf(StatusItem, "StatusList")

export const IngestResult = Schema.Struct({
  accepted: Schema.Int.annotate({ description: "Items stored or already known" }),
  rejected: Schema.Array(Schema.Struct({ index: Schema.Int, reason: Schema.String })),
}).annotate({ identifier: "IngestResult" })

/**
 * What `POST /statuses` accepts: one status message or an array of anything. Each array item is judged on its
 * own (a non-object item is one `rejected` entry, not a 400 for the whole batch), so the documented schema
 * promises no more than the handler checks.
 */
export const IngestBody = Schema.Union([
  Schema.Record(Schema.String, Schema.Unknown),
  Schema.Array(Schema.Unknown),
]).annotate({
  description:
    "A status message object (as sent on Kafka) or a JSON array of items; each item is accepted or rejected on its own",
})

export const SuccessRate = Schema.Struct({
  stat: Schema.Literal("SuccessRate"),
  since: Timestamp,
  data: Schema.Array(
    Schema.Struct({
      service: Schema.String,
      success: Schema.Int,
      error: Schema.Int,
      success_rate: Schema.Number,
    }),
  ),
}).annotate({ identifier: "SuccessRate" })

export const Allowed = Schema.Struct({ allowed: Schema.Boolean })
export const Link = Schema.Struct({ url: Schema.String })

/** The first SSE event: which payload the stream follows and how many statuses it already has. */
const ConnectedEventData = Schema.Struct({ request_id: Schema.String, statuses: Schema.Int }).annotate({
  identifier: "ConnectedEvent",
})

/**
 * The events of `/payloads/{request_id}/events`: `connected` once, one `status` (id = the status id) per
 * newly stored status, shaped like a verbosity-0 item, and `error` when the store fails mid-stream.
 */
export const PayloadEvent = Schema.Union([
  Schema.Struct({ event: Schema.Literal("connected"), data: Schema.fromJsonString(ConnectedEventData) }),
  Schema.Struct({
    id: Schema.String,
    event: Schema.Literal("status"),
    data: Schema.fromJsonString(HistoryStatus),
  }),
  Schema.Struct({
    event: Schema.Literal("error"),
    data: Schema.fromJsonString(Schema.Struct({ message: Schema.String })),
  }),
])
export type PayloadEvent = typeof PayloadEvent.Type
