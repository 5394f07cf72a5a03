import type { HostResponse, Outcome } from "../api/ApiTypes.ts"
import { readableSeconds } from "../lib/Format.ts"
import { whereText } from "../summary/SummaryModel.ts"

/** The Host page's view of `GET /hosts` (docs/web.md, "Host"). */
const HOST_KEYS = ["inventory_id", "system_id"] as const
export type HostKey = (typeof HOST_KEYS)[number]

interface HostQuery {
  readonly key: HostKey
  readonly value: string
}

export const HOST_PAGE_SIZES = [20, 50, 100] as const

/** The host named by the page's URL: exactly one of `inventory_id` / `system_id`, as the API wants. */
export const parseHostQuery = (params: URLSearchParams): HostQuery | undefined => {
  const given = HOST_KEYS.flatMap((key) => {
    const value = params.get(key)?.trim()
    return value ? [{ key, value }] : []
  })
  return given.length === 1 ? given[0] : undefined
}

export const hostPath = (key: HostKey, value: string): string =>
  `/host?${new URLSearchParams({ [key]: value })}`

interface UploadRow {
  readonly request_id: string
  readonly created_at: string
  readonly outcome: Outcome
  readonly where: string
  /** `puptoo success 5.12 s` per service, in the order it passed them. */
  readonly services: ReadonlyArray<{
    readonly service: string
    readonly state: string
    readonly text: string
  }>
  readonly inventory_id: string
  readonly system_id: string
}

interface HostView {
  readonly inventoryIds: ReadonlyArray<string>
  readonly systemIds: ReadonlyArray<string>
  readonly firstSeen: string
  readonly lastSeen: string
  readonly total: number
  readonly succeeded: number
  /** "10 of 12 (83%)". */
  readonly successText: string
  readonly uploads: ReadonlyArray<UploadRow>
  /** The API lists at most page_size uploads; the rest are on the Payloads page. */
  readonly more: number
}

const percent = (part: number, whole: number): string =>
  whole === 0 ? "" : ` (${Math.round((part / whole) * 100)}%)`

export const hostView = (answer: HostResponse): HostView => ({
  inventoryIds: answer.inventory_ids,
  systemIds: answer.system_ids,
  firstSeen: answer.first_seen,
  lastSeen: answer.last_seen,
  total: answer.total,
  succeeded: answer.succeeded,
  successText: `${answer.succeeded} of ${answer.total}${percent(answer.succeeded, answer.total)}`,
  uploads: answer.uploads.map((u) => ({
    request_id: u.request_id,
    created_at: u.created_at,
    outcome: u.summary.outcome,
    where: whereText(u.summary),
    services: u.summary.services.map((s) => ({
      service: s.service,
      state: s.state,
      text: s.elapsed_seconds === undefined ? s.state : `${s.state} in ${readableSeconds(s.elapsed_seconds)}`,
    })),
    inventory_id: u.inventory_id,
    system_id: u.system_id,
  })),
  more: Math.max(0, answer.total - answer.uploads.length),
})
