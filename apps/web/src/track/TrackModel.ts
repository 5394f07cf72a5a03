import { type PayloadLifecycle, payloadLifecycle } from "@pt/domain/Lifecycle"
import { classifyStatus, type StatusKind } from "@pt/domain/StatusVocabulary"
import { Micros, parseStatusDate } from "@pt/domain/Timestamp"
import type { HistoryStatus } from "../api/ApiTypes.ts"
import { parseDuration } from "../lib/Format.ts"

/** The Track page's view of one payload, derived from `GET /payloads/{id}` with the domain's own rules. */
export interface TrackStatus {
  readonly service: string
  readonly source: string
  readonly status: string
  readonly status_msg: string
  readonly date: string
  readonly created_at: string
  readonly micros: Micros
  readonly kind: StatusKind
}

export interface Lane {
  readonly key: string
  readonly first: Micros
  readonly last: Micros
  readonly statuses: ReadonlyArray<TrackStatus>
}

export interface DurationBar {
  readonly key: string
  readonly label: string
  readonly micros: Micros
  readonly text: string
}

/** How long an in-progress payload may stay silent before it counts as stalled (the domain's default). */
const STALLED_AFTER = Micros.make(3_600_000_000)

/** `service:source`, or the service alone when the status names no source. */
const laneLabel = (service: string, source: string): string => (source ? `${service}:${source}` : service)

export const toTrackStatuses = (data: ReadonlyArray<HistoryStatus>): Array<TrackStatus> =>
  data.flatMap((s) => {
    const micros = parseStatusDate(s.date ?? "")
    if (micros === undefined) return []
    const status = s.status ?? ""
    return [
      {
        service: s.service ?? "",
        source: s.source ?? "",
        status,
        status_msg: s.status_msg ?? "",
        date: s.date ?? "",
        created_at: s.created_at ?? "",
        micros,
        kind: classifyStatus(status),
      },
    ]
  })

export const lanes = (statuses: ReadonlyArray<TrackStatus>): Array<Lane> => {
  const groups = new Map<string, Array<TrackStatus>>()
  for (const s of statuses) {
    const key = laneLabel(s.service, s.source)
    const group = groups.get(key)
    if (group) group.push(s)
    else groups.set(key, [s])
  }
  return [...groups]
    .map(([key, group]) => {
      const ordered = group.toSorted((a, b) => a.micros - b.micros)
      return { key, first: ordered[0]!.micros, last: ordered[ordered.length - 1]!.micros, statuses: ordered }
    })
    .sort((a, b) => a.first - b.first || (a.key < b.key ? -1 : 1))
}

export const lifecycle = (
  statuses: ReadonlyArray<TrackStatus>,
  nowMicros: Micros,
): PayloadLifecycle | undefined =>
  payloadLifecycle(
    statuses.map((s) => ({ service: s.service, status: s.status, date: s.micros })),
    {
      now: nowMicros,
      stalledAfter: STALLED_AFTER,
    },
  )

/** The API's per-service `duration` entries as bars; the two totals are shown as text instead. */
export const durationBars = (duration: Readonly<Record<string, string>>): Array<DurationBar> =>
  Object.entries(duration)
    .filter(([key]) => key !== "total_time" && key !== "total_time_in_services")
    .flatMap(([key, text]) => {
      const micros = parseDuration(text)
      const label = key.endsWith(":undefined") ? key.slice(0, -":undefined".length) : key
      return micros === undefined ? [] : [{ key, label, micros, text }]
    })
    .sort((a, b) => b.micros - a.micros || (a.label < b.label ? -1 : 1))

export interface PayloadIdentity {
  readonly account: string
  readonly org_id: string
  readonly inventory_id: string
  readonly system_id: string
}

/** The payload's tenant and host ids: the latest non-empty value of each wins (docs/status-messages.md). */
export const identity = (data: ReadonlyArray<HistoryStatus>): PayloadIdentity => {
  const ordered = data.toSorted(
    (a, b) => (parseStatusDate(a.date ?? "") ?? 0) - (parseStatusDate(b.date ?? "") ?? 0),
  )
  const latest = (key: keyof PayloadIdentity): string => ordered.findLast((s) => s[key])?.[key] ?? ""
  return {
    account: latest("account"),
    org_id: latest("org_id"),
    inventory_id: latest("inventory_id"),
    system_id: latest("system_id"),
  }
}
