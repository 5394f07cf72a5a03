import type { Micros } from "@pt/domain/Timestamp"

/**
 * The `date` formats the real producers emit (docs/pipeline.md, "Who sends what"). Each producer has its own, and the tracker must
 * parse all of them, so the simulation reproduces them exactly. All take UTC microseconds since the epoch.
 */

const pad = (n: number, width: number): string => String(n).padStart(width, "0")

const split = (micros: Micros): { readonly base: string; readonly fraction: number } => {
  const millis = Math.floor(micros / 1000)
  const seconds = Math.floor(millis / 1000)
  return { base: new Date(seconds * 1000).toISOString().slice(0, 19), fraction: micros - seconds * 1_000_000 }
}

/** Go `time.RFC3339Nano` in UTC (ingress): up to 9 fraction digits, trailing zeros trimmed, `Z`. */
export const goRfc3339Nano = (micros: Micros, extraNanos = 0): string => {
  const { base, fraction } = split(micros)
  const nanos = pad(fraction * 1000 + (extraNanos % 1000), 9).replace(/0+$/, "")
  return `${base}${nanos === "" ? "" : `.${nanos}`}Z`
}

/** Python `datetime.isoformat()` of a naive datetime (puptoo, storage-broker, HBI, advisor, ccx). */
export const pythonIsoformat = (micros: Micros): string => {
  const { base, fraction } = split(micros)
  // isoformat() drops the fraction entirely when microseconds are 0.
  return fraction === 0 ? base : `${base}.${pad(fraction, 6)}`
}

/** Python `str(datetime.now())`: a space instead of `T` (advisor-pup in 2019, the tracker's own mock scripts). */
export const pythonStr = (micros: Micros): string => pythonIsoformat(micros).replace("T", " ")

/** Ruby `Time#iso8601` (compliance): whole seconds with a numeric offset. */
export const rubyIso8601 = (micros: Micros): string => `${split(micros).base}+00:00`

/** Go `time.RFC3339` (patchman): whole seconds with `Z`. */
export const rfc3339Seconds = (micros: Micros): string => `${split(micros).base}Z`
