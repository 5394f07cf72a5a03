import type { Outcome } from "@pt/api/Contract"

/**
 * JSON shapes of the REST API v1 (docs/api.md), imported from the API's own response schemas (their encoded,
 * on-the-wire side) rather than declared again here. `import type` only: the bundle gets no server code.
 */
export type {
  AllowedResponse,
  HistoryResponse,
  HistoryStatus,
  HostResponse,
  ListResponse,
  Outcome,
  PayloadRow,
  PayloadSummary,
  PipelineBucket,
  PipelineError,
  PipelineFlow,
  PipelineResponse,
  PipelineService,
  ServiceState,
  ServiceSummary,
  SummarizedPayload,
  SummaryStatus,
  UrlResponse,
} from "@pt/api/Contract"

/** Every outcome, in the order the filters list them (a value, so it stays here: the import is types only). */
export const OUTCOMES: ReadonlyArray<Outcome> = ["success", "error", "in_progress", "stalled"]
