import { Schema } from "effect"

/**
 * Timestamps are integer microseconds since the epoch: PostgreSQL's precision, and exact in a JS number until
 * the year 2255 (2^53 µs). JS `Date` would drop the microseconds that the `duration` map prints. Stored dates stay
 * far inside the exact span: a status date must lie in [2000, 2100) (StatusMessage.ts, STATUS_DATE_RANGE).
 * The same unit measures spans between two instants (durations, thresholds).
 *
 * Branded so that milliseconds (Date.now(), Clock) never pass for microseconds: a value becomes Micros where it is
 * parsed or converted (here, row and wire decoding) or built by `Micros.make`; arithmetic on Micros gives a plain
 * number until it is made Micros again. Not `Schema.Int`: API filter bounds past 2255 are integers, not safe ones.
 */
export const Micros = Schema.Number.pipe(
  Schema.check(Schema.makeFilter(Number.isInteger, { expected: "an integer number of microseconds" })),
  Schema.brand("Micros"),
)
export type Micros = typeof Micros.Type

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
  // Not Date.UTC: it reads years 0-99 as 1900-1999 (0001 would become 1901). setUTCFullYear takes the year as is.
  const utc = new Date(0)
  utc.setUTCFullYear(year, month - 1, day)
  utc.setUTCHours(hour, minute, second, 0)
  // Date rolls 31 February over into March; a date that does not exist is rejected instead.
  if (utc.getUTCDate() !== day) return undefined
  const millis = utc.getTime()
  let offsetMinutes = 0
  if (zone !== "Z" && zone !== "z") {
    const oh = Number(zone.slice(1, 3))
    const om = Number(zone.slice(4, 6))
    if (oh > 23 || om > 59) return undefined
    offsetMinutes = (zone[0] === "-" ? -1 : 1) * (oh * 60 + om)
  }
  // Fractions beyond microseconds are truncated: storage keeps microseconds.
  const micros = Number(frac.padEnd(6, "0").slice(0, 6))
  return Micros.make((millis - offsetMinutes * 60_000) * 1000 + micros)
}

/** A producer's `date` field, in any format seen in real traffic (docs/status-messages.md); `undefined` when rejected. */
export const parseStatusDate = (text: string): Micros | undefined => {
  const m = STATUS_DATE.exec(text.trim())
  return m ? toMicros(m) : undefined
}

// The instants every notation in play can write with a 4-digit year: RFC 3339 allows 0000, PostgreSQL refuses
// year 0 ("date/time field value out of range"), and past 9999 toISOString switches to "+010000-…".
const FIRST_WRITABLE = Micros.make(-62_135_596_800_000_000) // 0001-01-01T00:00:00Z
// 9999-12-31T23:59:59.999999Z is not a double (2^53 µs is in 2255): this literal is the nearest one below it.
const LAST_WRITABLE = Micros.make(253_402_300_799_999_970)

/**
 * An API timestamp filter: RFC 3339 with a zone and optional fraction, any year 0000-9999; `undefined` when
 * invalid. Filters are compared, never stored, so an instant beyond 0001-01-01T00:00:00Z … 9999-12-31T23:59:59.999999Z
 * (year 0000, or 9999 pushed past the end by its zone offset) is clamped to that edge: every stored date lies in
 * [2000, 2100), so the answer is the same, and the bound can be written back (formatTimestamp, PostgreSQL).
 * Beyond 2255 the bound is exact to a few microseconds only, which again changes no comparison with a stored date.
 */
export const parseRfc3339 = (text: string): Micros | undefined => {
  const m = RFC3339.exec(text)
  const micros = m ? toMicros(m) : undefined
  return micros === undefined
    ? undefined
    : Micros.make(Math.min(LAST_WRITABLE, Math.max(FIRST_WRITABLE, micros)))
}

/**
 * RFC 3339 in UTC with the fraction trimmed of trailing zeros, as Go's `time.RFC3339Nano` prints it. Every value
 * the tracker holds (stored dates in [2000, 2100), clamped filters in years 0001-9999) prints with a 4-digit year.
 */
export const formatTimestamp = (micros: Micros): string => {
  const millis = Math.floor(micros / 1000)
  const sub = micros - millis * 1000
  const iso = new Date(millis).toISOString() // YYYY-MM-DDTHH:MM:SS.mmmZ
  const fraction = `${iso.slice(20, 23)}${String(sub).padStart(3, "0")}`.replace(/0+$/, "")
  return `${iso.slice(0, 19)}${fraction ? `.${fraction}` : ""}Z`
}

export const microsFromMillis = (millis: number): Micros => Micros.make(Math.round(millis) * 1000)
