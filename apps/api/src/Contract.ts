import type { HostHistoryAnswer, SummarizedPayload as SummarizedPayloadSchema } from "./HostSchemas.ts"
import type { PipelineAnswer } from "./PipelineSchemas.ts"
import type {
  Allowed,
  HistoryStatus as HistoryStatusSchema,
  Link,
  PayloadHistory,
  PayloadItem,
  PayloadList,
} from "./Schemas.ts"
import type { PayloadSummaryItem } from "./SummarySchemas.ts"

/**
 * The JSON bodies of the REST API v1 as a client receives them: the `Encoded` side of the response schemas, for
 * apps/web to import with `import type` (so its bundle carries no server code). Types only: a value exported
 * here would pull Effect and the handlers into the browser bundle.
 */

export type PayloadRow = typeof PayloadItem.Encoded

/** A list answer (`/payloads`, `/statuses`, …) with its rows typed by the caller (rows are what a table prints). */
export type ListResponse<Row> = Omit<typeof PayloadList.Encoded, "data"> & {
  readonly data: ReadonlyArray<Row>
}

export type HistoryStatus = typeof HistoryStatusSchema.Encoded
export type HistoryResponse = typeof PayloadHistory.Encoded
export type UrlResponse = typeof Link.Encoded
export type AllowedResponse = typeof Allowed.Encoded

export type PayloadSummary = typeof PayloadSummaryItem.Encoded
export type Outcome = PayloadSummary["outcome"]
export type ServiceSummary = PayloadSummary["services"][number]
export type ServiceState = ServiceSummary["state"]
export type SummaryStatus = PayloadSummary["last_status"]

export type SummarizedPayload = typeof SummarizedPayloadSchema.Encoded
export type HostResponse = typeof HostHistoryAnswer.Encoded

export type PipelineResponse = typeof PipelineAnswer.Encoded
export type PipelineService = PipelineResponse["services"][number]
export type PipelineBucket = PipelineService["series"][number]
export type PipelineError = PipelineService["top_errors"][number]
export type PipelineFlow = PipelineResponse["flow"][number]
