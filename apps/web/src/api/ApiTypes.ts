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
