/** JSON shapes of the REST API v1 (docs/api.md). Keys the API omits when empty are optional. */
export interface PayloadRow {
  readonly id: number
  readonly request_id: string
  readonly account: string
  readonly inventory_id: string
  readonly system_id: string
  readonly created_at: string
  readonly org_id: string
}

export interface ListResponse<Row> {
  readonly count: number
  readonly elapsed: number
  readonly data: ReadonlyArray<Row>
}

/** One status of `GET /payloads/{request_id}` at verbosity 0. */
export interface HistoryStatus {
  readonly id?: number
  readonly service?: string
  readonly source?: string
  readonly account?: string
  readonly org_id?: string
  readonly request_id?: string
  readonly inventory_id?: string
  readonly system_id?: string
  readonly created_at?: string
  readonly status?: string
  readonly status_msg?: string
  readonly date?: string
}

export interface HistoryResponse {
  readonly data: ReadonlyArray<HistoryStatus>
  readonly duration: Readonly<Record<string, string>>
}

export interface UrlResponse {
  readonly url: string
}

export interface AllowedResponse {
  readonly allowed: boolean
}

/** A payload's outcome as the API computes it (docs/status-messages.md; `stalled` uses STALLED_AFTER). */
export type Outcome = "success" | "error" | "in_progress" | "stalled"
export const OUTCOMES: ReadonlyArray<Outcome> = ["success", "error", "in_progress", "stalled"]

export type ServiceState = "success" | "error" | "open"

/** One service a payload passed through, in a `summary` (`elapsed_seconds` is left out while it is open). */
export interface ServiceSummary {
  readonly service: string
  readonly state: ServiceState
  readonly first_date: string
  readonly last_date: string
  readonly elapsed_seconds?: number
}

export interface SummaryStatus {
  readonly service: string
  readonly status: string
  readonly status_msg?: string
  readonly date: string
}

/** `summary` of a `/payloads?summary=true` item and of a `/hosts` upload. */
export interface PayloadSummary {
  readonly outcome: Outcome
  readonly services: ReadonlyArray<ServiceSummary>
  readonly last_status: SummaryStatus
  readonly first_error?: SummaryStatus
}

export interface SummarizedPayload extends PayloadRow {
  readonly summary: PayloadSummary
}

/** `GET /hosts?inventory_id=|system_id=`. */
export interface HostResponse {
  readonly inventory_ids: ReadonlyArray<string>
  readonly system_ids: ReadonlyArray<string>
  readonly first_seen: string
  readonly last_seen: string
  readonly total: number
  readonly succeeded: number
  readonly uploads: ReadonlyArray<SummarizedPayload>
}

export interface PipelineBucket {
  readonly start: string
  readonly throughput: number
  readonly errors: number
  /** Absent (or null) in a bucket where no stage of this service finished. */
  readonly p95_seconds?: number | null
}

export interface PipelineError {
  readonly status: string
  readonly status_msg?: string
  readonly count: number
  readonly example_request_id: string
}

export interface PipelineService {
  readonly service: string
  readonly seen: number
  readonly succeeded: number
  readonly failed: number
  readonly open_now: number
  readonly stalled_now: number
  readonly error_rate: number
  /** Left out when no stage of the service finished in the window. */
  readonly duration_seconds?: {
    readonly p50?: number | null
    readonly p95?: number | null
    readonly p99?: number | null
  }
  readonly series: ReadonlyArray<PipelineBucket>
  readonly top_errors: ReadonlyArray<PipelineError>
}

export interface PipelineFlow {
  readonly from: string
  readonly to: string
  readonly count: number
}

/** `GET /pipeline?since=&until=&bucket=`. */
export interface PipelineResponse {
  readonly since: string
  readonly until: string
  readonly bucket_seconds: number
  readonly services: ReadonlyArray<PipelineService>
  readonly flow: ReadonlyArray<PipelineFlow>
}
