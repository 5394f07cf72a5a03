import { Micros } from "./Timestamp.ts"

/**
 * The API's `duration` map (docs/status-messages.md, docs/api.md): the compatible view of elapsed times that existing clients read.
 * Keys are `<service>:<source>` (no source: the literal `undefined`, as the Go service prints it), plus
 * `total_time_in_services` (sum of the entries) and `total_time` (first to last status overall).
 */
interface DurationStatus {
  readonly service: string
  readonly source: string
  readonly date: Micros
}

/** `HH:MM:SS.ffffff`: hours padded to two digits and never wrapped into days, exactly six decimals. */
export const formatDuration = (micros: Micros): string => {
  const total = Math.max(0, Math.round(micros))
  const fraction = total % 1_000_000
  const seconds = Math.floor(total / 1_000_000)
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = seconds % 60
  const pad = (n: number, w = 2) => String(n).padStart(w, "0")
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(fraction, 6)}`
}

/** Raw micro-second spans per key, for callers that want numbers (the UI's bar chart). */
export const durationSpans = (statuses: ReadonlyArray<DurationStatus>): ReadonlyMap<string, Micros> => {
  const bounds = new Map<string, { min: Micros; max: Micros }>()
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (const s of statuses) {
    const key = `${s.service}:${s.source === "" ? "undefined" : s.source}`
    const b = bounds.get(key)
    if (b) {
      if (s.date < b.min) b.min = s.date
      if (s.date > b.max) b.max = s.date
    } else bounds.set(key, { min: s.date, max: s.date })
    if (s.date < min) min = s.date
    if (s.date > max) max = s.date
  }
  const spans = new Map<string, Micros>()
  let inServices = 0
  for (const [key, b] of bounds) {
    spans.set(key, Micros.make(b.max - b.min))
    inServices += b.max - b.min
  }
  if (statuses.length > 0) {
    spans.set("total_time_in_services", Micros.make(inServices))
    spans.set("total_time", Micros.make(max - min))
  }
  return spans
}

export const durationMap = (statuses: ReadonlyArray<DurationStatus>): Record<string, string> =>
  Object.fromEntries([...durationSpans(statuses)].map(([key, span]) => [key, formatDuration(span)]))
