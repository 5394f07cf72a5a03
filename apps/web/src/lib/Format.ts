import { Micros } from "@pt/domain/Timestamp"

/**
 * Durations in units people read at a glance. The API's `HH:MM:SS.ffffff` strings stay in tooltips; the old UI
 * passed seconds where milliseconds were expected, so everything here is explicit about its unit (micros).
 */
export const readableDuration = (micros: Micros): string => {
  const us = Math.max(0, Math.round(micros))
  if (us === 0) return "0 s"
  if (us < 1000) return `${us} µs`
  if (us < 1_000_000) return `${trim(us / 1000)} ms`
  const seconds = us / 1_000_000
  if (seconds < 60) return `${trim(seconds)} s`
  const totalSeconds = Math.round(seconds)
  const h = Math.floor(totalSeconds / 3600)
  const m = Math.floor((totalSeconds % 3600) / 60)
  const s = totalSeconds % 60
  if (h === 0) return s === 0 ? `${m} min` : `${m} min ${s} s`
  return m === 0 ? `${h} h` : `${h} h ${m} min`
}

// Three significant digits at most: 5.625 s, 12.3 ms, 999 ms.
const trim = (n: number): string => {
  const digits = n >= 100 ? 0 : n >= 10 ? 1 : 2
  return String(Number(n.toFixed(digits)))
}

/** `HH:MM:SS.ffffff` (the API's `duration` values) back to microseconds; `undefined` when malformed. */
export const parseDuration = (text: string): Micros | undefined => {
  const m = /^(\d+):([0-5]\d):([0-5]\d)\.(\d{6})$/.exec(text)
  if (!m) return undefined
  return Micros.make(((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3])) * 1_000_000 + Number(m[4]))
}

/** The new answers' `*_seconds` (seconds, microsecond precision) in the same readable units. */
export const readableSeconds = (seconds: number): string =>
  readableDuration(Micros.make(Math.round(seconds * 1_000_000)))
