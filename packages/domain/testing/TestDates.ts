import { type Micros, parseStatusDate } from "../src/Timestamp.ts"

/**
 * Dates for tests, derived from the clock the test runs with. A fixed instant goes stale: retention (7 days),
 * "stalled" (1 hour), the partition window and "now" reach it a few days after the test was written, and the
 * suite turns red by itself. Fixtures therefore say *when* relative to now, never a calendar date.
 */
export const HOUR_MS = 3_600_000
export const DAY_MS = 24 * HOUR_MS

/**
 * The UTC day before `nowMs` as "YYYY-MM-DD". Any time of that day is 0–48 h old: in the past, inside
 * retention, and (from 01:00 on) past "stalled"; so `${testDay()}T10:00:00Z` reads like a fixed fixture.
 */
export const testDay = (nowMs: number = Date.now()): string =>
  new Date(nowMs - DAY_MS).toISOString().slice(0, 10)

/** The UTC day after `day` ("YYYY-MM-DD"). */
export const dayAfter = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10)

/** Microseconds of an RFC 3339 fixture string; throws on a typo instead of producing `undefined`. */
export const micros = (text: string): Micros => {
  const value = parseStatusDate(text)
  if (value === undefined) throw new Error(`not a status date: ${text}`)
  return value
}
