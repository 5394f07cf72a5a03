import { parseRfc3339 } from "@pt/domain/Timestamp"

/**
 * The time window of a list (docs/web.md): a quick pick relative to now, all time, or an absolute from/to.
 * In the URL: `range=<key>` for a quick pick, `<field>_gte` / `<field>_lte` (RFC 3339, the API's own
 * parameter names) for an absolute range; nothing means all time.
 */
export const QUICK_RANGES = [
  { key: "15m", label: "Last 15 minutes", millis: 15 * 60_000 },
  { key: "1h", label: "Last hour", millis: 3_600_000 },
  { key: "3h", label: "Last 3 hours", millis: 3 * 3_600_000 },
  { key: "6h", label: "Last 6 hours", millis: 6 * 3_600_000 },
  { key: "12h", label: "Last 12 hours", millis: 12 * 3_600_000 },
  { key: "24h", label: "Last 24 hours", millis: 24 * 3_600_000 },
  { key: "2d", label: "Last 2 days", millis: 48 * 3_600_000 },
] as const

export type QuickRangeKey = (typeof QUICK_RANGES)[number]["key"]

export type TimeRangeChoice =
  | { readonly kind: "all" }
  | { readonly kind: "quick"; readonly key: QuickRangeKey }
  | { readonly kind: "absolute"; readonly from: string; readonly to: string }

export const ALL_TIME: TimeRangeChoice = { kind: "all" }

const isQuickKey = (key: string): key is QuickRangeKey => QUICK_RANGES.some((r) => r.key === key)
const validTimestamp = (text: string | null): string => (text && parseRfc3339(text) !== undefined ? text : "")

export const parseTimeRange = (params: URLSearchParams, field: string): TimeRangeChoice => {
  const range = params.get("range")
  if (range && isQuickKey(range)) return { kind: "quick", key: range }
  const from = validTimestamp(params.get(`${field}_gte`))
  const to = validTimestamp(params.get(`${field}_lte`))
  return from || to ? { kind: "absolute", from, to } : ALL_TIME
}

export const timeRangeParams = (choice: TimeRangeChoice, field: string): Array<[string, string]> => {
  switch (choice.kind) {
    case "all":
      return []
    case "quick":
      return [["range", choice.key]]
    case "absolute":
      return [
        ...(choice.from ? [[`${field}_gte`, choice.from] as [string, string]] : []),
        ...(choice.to ? [[`${field}_lte`, choice.to] as [string, string]] : []),
      ]
  }
}

/** The API's bounds for the choice; quick picks are resolved against `nowMillis` at fetch time. */
export const timeRangeBounds = (
  choice: TimeRangeChoice,
  field: string,
  nowMillis: number,
): Array<[string, string]> => {
  if (choice.kind !== "quick") return timeRangeParams(choice, field)
  const millis = QUICK_RANGES.find((r) => r.key === choice.key)!.millis
  return [[`${field}_gte`, new Date(nowMillis - millis).toISOString()]]
}

export const describeTimeRange = (choice: TimeRangeChoice): string => {
  switch (choice.kind) {
    case "all":
      return "All time"
    case "quick":
      return QUICK_RANGES.find((r) => r.key === choice.key)!.label
    case "absolute":
      return `${choice.from || "the beginning"} to ${choice.to || "now"}`
  }
}

/** `<input type="datetime-local">` works in local time without a zone; the API wants RFC 3339. */
export const localInputToRfc3339 = (value: string): string => {
  if (!value) return ""
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? "" : date.toISOString()
}

export const rfc3339ToLocalInput = (value: string): string => {
  if (!value) return ""
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return ""
  const pad = (n: number) => String(n).padStart(2, "0")
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`
}
