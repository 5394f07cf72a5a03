/**
 * Timestamps are integer microseconds since the epoch: PostgreSQL's precision, and exact in a JS number until
 * the year 2255. JS `Date` would drop the microseconds that the `duration` map prints.
 */
export type Micros = number

// Producers send RFC 3339 with `T` or a space, 0-9 fraction digits, and `Z`, `±HH:MM` or no zone (= UTC).
const STATUS_DATE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})?$/
// API filters are stricter: RFC 3339 proper, so the zone is required.
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/

const toMicros = (m: RegExpExecArray): Micros | undefined => {
  const [, y, mo, d, h, mi, s, frac = "", zone = "Z"] = m as unknown as Array<string>
  const year = Number(y)
  const month = Number(mo)
  const day = Number(d)
  const hour = Number(h)
  const minute = Number(mi)
  const second = Number(s)
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined
  const millis = Date.UTC(year, month - 1, day, hour, minute, second)
  // Date.UTC rolls 31 February over into March; a date that does not exist is rejected instead.
  if (new Date(millis).getUTCDate() !== day) return undefined
  let offsetMinutes = 0
  if (zone !== "Z" && zone !== "z") {
    const oh = Number(zone.slice(1, 3))
    const om = Number(zone.slice(4, 6))
    if (oh > 23 || om > 59) return undefined
    offsetMinutes = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om)
  }
  // Fractions beyond microseconds are truncated: storage keeps microseconds.
  const micros = Number(frac.padEnd(6, "0").slice(0, 6))
  return (millis - offsetMinutes * 60_000) * 1000 + micros
}

/** A producer's `date` field, in any format seen in real traffic (messages.md); `undefined` when rejected. */
export const parseStatusDate = (text: string): Micros | undefined => {
  const m = STATUS_DATE.exec(text.trim())
  return m ? toMicros(m) : undefined
}

/** An API timestamp filter: RFC 3339 with a zone and optional fraction; `undefined` when invalid. */
export const parseRfc3339 = (text: string): Micros | undefined => {
  const m = RFC3339.exec(text)
  return m ? toMicros(m) : undefined
}

/** RFC 3339 in UTC with the fraction trimmed of trailing zeros, as Go's `time.RFC3339Nano` prints it. */
export const formatTimestamp = (micros: Micros): string => {
  const millis = Math.floor(micros / 1000)
  const sub = micros - millis * 1000
  const iso = new Date(millis).toISOString() // YYYY-MM-DDTHH:MM:SS.mmmZ
  const fraction = `${iso.slice(20, 23)}${String(sub).padStart(3, "0")}`.replace(/0+$/, "")
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ""}Z`
}

export const microsFromDate = (date: Date): Micros => date.getTime() * 1000
export const microsFromMillis = (millis: number): Micros => Math.round(millis) * 1000
