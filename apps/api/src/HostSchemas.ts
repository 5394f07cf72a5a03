import type { HostHistory } from "@pt/domain/Queries"
import type { OutcomeAt } from "@pt/domain/Summary"
import { Schema } from "effect"
import { PayloadItem } from "./Schemas.ts"
import { PayloadSummaryItem, summaryView } from "./SummarySchemas.ts"
import { timestampFrom } from "./WireCodecs.ts"

/** `GET /hosts`: a host's uploads with their summaries (docs/api.md, "Host history"). Field order = key order. */

export const SummarizedPayload = Schema.Struct({
  ...PayloadItem.fields,
  summary: PayloadSummaryItem,
}).annotate({ identifier: "SummarizedPayload" })

export const HostHistoryAnswer = Schema.Struct({
  inventory_ids: Schema.Array(Schema.String).annotate({
    description: "Every inventory_id seen on the host's payloads (the asked one included), sorted",
  }),
  system_ids: Schema.Array(Schema.String).annotate({
    description: "Every system_id seen on the host's payloads (the asked one included), sorted",
  }),
  firstSeen: timestampFrom(
    Schema.String.annotate({ description: "Earliest created_at of the host's payloads" }),
  ),
  lastSeen: timestampFrom(
    Schema.String.annotate({ description: "Latest status date of the host's payloads" }),
  ),
  total: Schema.Int.annotate({ description: "The host's payloads (all of them, not only those listed)" }),
  succeeded: Schema.Int.annotate({ description: "Of them, those whose outcome is success" }),
  uploads: Schema.Array(SummarizedPayload).annotate({
    description: "Newest first (created_at, then id), at most page_size",
  }),
})
  .pipe(
    Schema.encodeKeys({ firstSeen: "first_seen", lastSeen: "last_seen" }),
    Schema.annotateEncoded({ identifier: "HostHistory" }),
  )
  .annotate({ identifier: "HostHistory" })
export type HostHistoryAnswer = typeof HostHistoryAnswer.Type

/** The domain's host history answered at `at`: each upload's payload with its summary at that instant. */
export const hostView = (h: HostHistory, at: OutcomeAt): HostHistoryAnswer => ({
  ...h,
  uploads: h.uploads.map((u) => ({ ...u.payload, summary: summaryView(u.summary, at) })),
})
