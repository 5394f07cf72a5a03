import { parseRfc3339 } from "@pt/domain/Timestamp"
import type { PipelineResponse, PipelineService } from "../api/ApiTypes.ts"
import { readableSeconds } from "../lib/Format.ts"

/**
 * The Pipeline page's view of `GET /pipeline` (docs/web.md, "Pipeline"): the window in the URL, the per-service
 * table, the series the charts draw, the flow between services, the top errors and the links from each figure to
 * the payloads behind it.
 */
export const PIPELINE_RANGES = [
  { key: "1h", label: "Last hour", millis: 3_600_000 },
  { key: "6h", label: "Last 6 hours", millis: 6 * 3_600_000 },
  { key: "24h", label: "Last 24 hours", millis: 24 * 3_600_000 },
  { key: "2d", label: "Last 2 days", millis: 48 * 3_600_000 },
  { key: "7d", label: "Last 7 days", millis: 7 * 24 * 3_600_000 },
] as const
type PipelineRangeKey = (typeof PIPELINE_RANGES)[number]["key"]
const DEFAULT_RANGE: PipelineRangeKey = "24h"

export type PipelineWindow =
  | { readonly kind: "quick"; readonly key: PipelineRangeKey }
  | { readonly kind: "absolute"; readonly since: string; readonly until: string }

const isRangeKey = (key: string | null): key is PipelineRangeKey => PIPELINE_RANGES.some((r) => r.key === key)
const valid = (text: string | null): string => (text && parseRfc3339(text) !== undefined ? text : "")

/** `range=1h|6h|24h|2d|7d` (default 24h), or absolute `since`/`until` (RFC 3339; the API's own names). */
export const parsePipelineWindow = (params: URLSearchParams): PipelineWindow => {
  const range = params.get("range")
  if (isRangeKey(range)) return { kind: "quick", key: range }
  const since = valid(params.get("since"))
  const until = valid(params.get("until"))
  return since || until ? { kind: "absolute", since, until } : { kind: "quick", key: DEFAULT_RANGE }
}

export const pipelineWindowToParams = (window: PipelineWindow): URLSearchParams => {
  const params = new URLSearchParams()
  if (window.kind === "quick") {
    if (window.key !== DEFAULT_RANGE) params.set("range", window.key)
  } else {
    if (window.since) params.set("since", window.since)
    if (window.until) params.set("until", window.until)
  }
  return params
}

/** The API's query: a quick pick resolved against `nowMillis`; the bucket is left to the API (≤ 48 buckets). */
export const pipelineApiParams = (window: PipelineWindow, nowMillis: number): URLSearchParams => {
  if (window.kind === "absolute") return pipelineWindowToParams(window)
  const millis = PIPELINE_RANGES.find((r) => r.key === window.key)!.millis
  return new URLSearchParams({
    since: new Date(nowMillis - millis).toISOString(),
    until: new Date(nowMillis).toISOString(),
  })
}

/** Payloads page links: the payloads a figure counts, in the answer's window (created_at ≈ first status). */
const payloadsLink = (filters: Record<string, string>): string => `/payloads?${new URLSearchParams(filters)}`

const windowFilters = (answer: Pick<PipelineResponse, "since" | "until">): Record<string, string> => ({
  created_at_gte: answer.since,
  created_at_lte: answer.until,
})

interface ServiceRow {
  readonly service: string
  readonly seen: number
  /** Seen per hour over the window: "12.5/h". */
  readonly rate: string
  readonly succeeded: number
  readonly failed: number
  readonly errorRate: string
  readonly p50: string
  readonly p95: string
  readonly p99: string
  readonly openNow: number
  readonly stalledNow: number
  /** Payloads with an error status from the service in the window. */
  readonly failedLink: string
  /** Stalled payloads that passed through the service (their `where` names the open service). */
  readonly stalledLink: string
}

const percentText = (ratio: number): string => `${Number((ratio * 100).toFixed(ratio < 0.1 ? 2 : 1))}%`
const seconds = (value: number | null | undefined): string =>
  value === null || value === undefined ? "—" : readableSeconds(value)

const windowHours = (answer: PipelineResponse): number => {
  const since = parseRfc3339(answer.since)!
  const until = parseRfc3339(answer.until)!
  return Math.max(until - since, 1) / 3_600_000_000
}

const rateText = (perHour: number): string => `${Number(perHour.toFixed(perHour < 10 ? 2 : 1))}/h`

/**
 * Services in the order payloads pass them: each after the services that hand payloads to it (the flow), busier
 * first among equals; a cycle (a retry loop back to an earlier service) does not drop anyone.
 */
export const serviceOrder = (answer: PipelineResponse): Array<string> => {
  const seen = new Map(answer.services.map((s) => [s.service, s.seen]))
  const names = new Set([...seen.keys(), ...answer.flow.flatMap((f) => [f.from, f.to])])
  const incoming = new Map([...names].map((n) => [n, 0]))
  for (const f of answer.flow) if (f.from !== f.to) incoming.set(f.to, incoming.get(f.to)! + 1)
  const order: Array<string> = []
  const left = new Set(names)
  const busier = (a: string, b: string) => (seen.get(b) ?? 0) - (seen.get(a) ?? 0) || (a < b ? -1 : 1)
  while (left.size > 0) {
    const ready = [...left].filter((n) => incoming.get(n) === 0).sort(busier)
    // In a cycle nobody is ready: take the busiest left, as if its incoming edges came later.
    const next = ready[0] ?? [...left].sort(busier)[0]!
    order.push(next)
    left.delete(next)
    for (const f of answer.flow)
      if (f.from === next && f.to !== next && left.has(f.to)) incoming.set(f.to, incoming.get(f.to)! - 1)
  }
  return order
}

export const serviceRows = (answer: PipelineResponse): Array<ServiceRow> => {
  const hours = windowHours(answer)
  const window = windowFilters(answer)
  const byName = new Map(answer.services.map((s) => [s.service, s]))
  return serviceOrder(answer).flatMap((name) => {
    const s = byName.get(name)
    if (s === undefined) return []
    return [
      {
        service: s.service,
        seen: s.seen,
        rate: rateText(s.seen / hours),
        succeeded: s.succeeded,
        failed: s.failed,
        errorRate: percentText(s.error_rate),
        p50: seconds(s.duration_seconds?.p50),
        p95: seconds(s.duration_seconds?.p95),
        p99: seconds(s.duration_seconds?.p99),
        openNow: s.open_now,
        stalledNow: s.stalled_now,
        failedLink: payloadsLink({ service: s.service, status: "error", ...window }),
        stalledLink: payloadsLink({ outcome: "stalled", service: s.service }),
      },
    ]
  })
}

interface ChartPoint {
  readonly x: Date
  readonly y: number
}
export interface ChartSeries {
  readonly name: string
  readonly points: ReadonlyArray<ChartPoint>
}
type SeriesMetric = "throughput" | "errors" | "p95_seconds"

/** One line per service for a metric; a bucket without a p95 (nothing finished) is a gap, not a zero. */
export const chartSeries = (answer: PipelineResponse, metric: SeriesMetric): Array<ChartSeries> => {
  const byName = new Map(answer.services.map((s) => [s.service, s]))
  return serviceOrder(answer).flatMap((name) => {
    const s: PipelineService | undefined = byName.get(name)
    if (s === undefined) return []
    const points = s.series.flatMap((b) => {
      const y = b[metric]
      return y === null || y === undefined ? [] : [{ x: new Date(b.start), y }]
    })
    return [{ name, points }]
  })
}

export interface FlowRow {
  readonly from: string
  readonly to: string
  readonly count: number
  /** Of the payloads `from` saw, the share that went on to `to`: "95%" (empty when `from` has no count). */
  readonly share: string
}

/** The funnel: hand-offs in pipeline order (by the sender's place, then the receiver's). */
export const flowRows = (answer: PipelineResponse): Array<FlowRow> => {
  const place = new Map(serviceOrder(answer).map((n, i) => [n, i]))
  const seen = new Map(answer.services.map((s) => [s.service, s.seen]))
  return answer.flow
    .toSorted((a, b) => place.get(a.from)! - place.get(b.from)! || place.get(a.to)! - place.get(b.to)!)
    .map((f) => {
      const from = seen.get(f.from)
      return { ...f, share: from ? percentText(f.count / from) : "" }
    })
}

interface ErrorRow {
  readonly service: string
  readonly status: string
  readonly message: string
  readonly count: number
  readonly exampleRequestId: string
  /** The payloads that hit it: that service's statuses with that word, in the window. */
  readonly link: string
}

/** Every service's top errors, most frequent first. */
export const topErrors = (answer: PipelineResponse, limit = 10): Array<ErrorRow> => {
  const window = windowFilters(answer)
  return answer.services
    .flatMap((s) =>
      s.top_errors.map((e) => ({
        service: s.service,
        status: e.status,
        message: e.status_msg ?? "",
        count: e.count,
        exampleRequestId: e.example_request_id,
        link: payloadsLink({ service: s.service, status: e.status.toLowerCase(), ...window }),
      })),
    )
    .sort((a, b) => b.count - a.count || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0))
    .slice(0, limit)
}

/** The stalled list's query: stalled payloads with their summaries (the open service is where each waits). */
export const STALLED_QUERY = new URLSearchParams({
  outcome: "stalled",
  summary: "true",
  sort_by: "created_at",
  sort_dir: "desc",
  page_size: "20",
}).toString()
export const STALLED_PAGE_LINK = "/payloads?outcome=stalled"
