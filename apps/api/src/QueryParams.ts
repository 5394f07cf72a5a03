import {
  HISTORY_SORT_FIELDS,
  type HistorySortField,
  PAYLOAD_SORT_FIELDS,
  type PayloadListQuery,
  type SortDir,
  STATUS_SORT_FIELDS,
  type StatusListQuery,
  type TimeRange,
} from "@pt/domain/Queries"
import { normalizeRequestId } from "@pt/domain/RequestId"
import { STATS, type StatName } from "@pt/domain/Stats"
import { type Micros, parseRfc3339 } from "@pt/domain/Timestamp"
import { Result } from "effect"
import { BadRequest } from "./ApiErrors.ts"

/**
 * Query validation for the list endpoints, in the spec's order (integer params → sort_by → sort_dir →
 * timestamps → filters) and with its exact 400 messages. HttpApi only declares the parameters as optional
 * strings; everything that can be wrong about them is decided here, once.
 */
type Raw = Readonly<Record<string, string | undefined>>
type Checked<A> = Result.Result<A, BadRequest>

const NON_NEGATIVE_INT = /^\d+$/
const MAX_PAGE_SIZE = 1000

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === "" ? undefined : value

const integer = (raw: Raw, name: string, fallback: number, max: number, min = 0): Checked<number> => {
  const value = nonEmpty(raw[name])
  if (value === undefined) return Result.succeed(fallback)
  const n = NON_NEGATIVE_INT.test(value) ? Number(value) : Number.NaN
  if (Number.isSafeInteger(n) && n >= min && n <= max) return Result.succeed(n)
  return Result.fail(
    BadRequest.of(
      max === Number.MAX_SAFE_INTEGER
        ? `${name} must be a non-negative integer`
        : `${name} must be an integer between ${min} and ${max}`,
    ),
  )
}

const oneOf = <L extends string>(
  raw: Raw,
  name: string,
  allowed: ReadonlyArray<L>,
  fallback: L,
): Checked<L> => {
  const value = nonEmpty(raw[name])
  if (value === undefined) return Result.succeed(fallback)
  return (allowed as ReadonlyArray<string>).includes(value)
    ? Result.succeed(value as L)
    : Result.fail(BadRequest.of(`${name} must be one of ${allowed.join(", ")}`))
}

const INVALID_TIMESTAMP = "invalid timestamp format provided"

export const timestamp = (value: string): Checked<Micros> => {
  const micros = parseRfc3339(value)
  return micros === undefined ? Result.fail(BadRequest.of(INVALID_TIMESTAMP)) : Result.succeed(micros)
}

const timeRange = (raw: Raw, field: string): Checked<TimeRange> => {
  const range: { -readonly [K in keyof TimeRange]: Micros } = {}
  for (const op of ["lt", "lte", "gt", "gte"] as const) {
    const value = nonEmpty(raw[`${field}_${op}`])
    if (value === undefined) continue
    const parsed = timestamp(value)
    if (Result.isFailure(parsed)) return Result.fail(parsed.failure)
    range[op] = parsed.success
  }
  return Result.succeed(range)
}

const filters = <K extends string>(raw: Raw, names: ReadonlyArray<K>, lower: ReadonlyArray<K> = []) => {
  const out: Partial<Record<K, string>> = {}
  for (const name of names) {
    const value = nonEmpty(raw[name])
    if (value !== undefined) out[name] = lower.includes(name) ? value.toLowerCase() : value
  }
  return out
}

/** A filter on request_id matches the stored (normalised) id; a value that is no id matches nothing. */
const requestIdFilter = (raw: Raw) => {
  const value = nonEmpty(raw.request_id)
  return value === undefined ? {} : { request_id: normalizeRequestId(value) ?? value }
}

const paging = (raw: Raw) =>
  Result.all({
    page: integer(raw, "page", 0, Number.MAX_SAFE_INTEGER),
    pageSize: integer(raw, "page_size", 10, MAX_PAGE_SIZE, 1),
  })

export const payloadListQuery = (raw: Raw): Checked<PayloadListQuery> =>
  Result.gen(function* () {
    const { page, pageSize } = yield* paging(raw)
    const sortBy = yield* oneOf(raw, "sort_by", PAYLOAD_SORT_FIELDS, "created_at")
    const sortDir = yield* oneOf<SortDir>(raw, "sort_dir", ["asc", "desc"], "desc")
    const created_at = yield* timeRange(raw, "created_at")
    return {
      ...filters(raw, ["account", "org_id", "inventory_id", "system_id"]),
      ...requestIdFilter(raw),
      created_at,
      sortBy,
      sortDir,
      page,
      pageSize,
    }
  })

export const statusListQuery = (raw: Raw): Checked<StatusListQuery> =>
  Result.gen(function* () {
    const { page, pageSize } = yield* paging(raw)
    const sortBy = yield* oneOf(raw, "sort_by", STATUS_SORT_FIELDS, "date")
    const sortDir = yield* oneOf<SortDir>(raw, "sort_dir", ["asc", "desc"], "desc")
    const date = yield* timeRange(raw, "date")
    const created_at = yield* timeRange(raw, "created_at")
    return {
      ...filters(raw, ["service", "source", "status", "status_msg"], ["service", "source", "status"]),
      ...requestIdFilter(raw),
      date,
      created_at,
      sortBy,
      sortDir,
      page,
      pageSize,
    }
  })

export interface HistoryQuery {
  readonly verbosity: 0 | 1 | 2
  readonly sortBy: HistorySortField
  readonly sortDir: SortDir
}

export const historyQuery = (raw: Raw): Checked<HistoryQuery> =>
  Result.gen(function* () {
    const verbosity = yield* oneOf(raw, "verbosity", ["0", "1", "2"], "0")
    const sortBy = yield* oneOf(raw, "sort_by", HISTORY_SORT_FIELDS, "date")
    const sortDir = yield* oneOf<SortDir>(raw, "sort_dir", ["asc", "desc"], "desc")
    return { verbosity: Number(verbosity) as 0 | 1 | 2, sortBy, sortDir }
  })

export const statsQuery = (
  raw: Raw,
  now: Micros,
): Checked<{ readonly stat: StatName; readonly since: Micros }> =>
  Result.gen(function* () {
    const stat = yield* oneOf(raw, "stat", STATS, "SuccessRate")
    const sinceRaw = nonEmpty(raw.since)
    const since = sinceRaw === undefined ? now - 24 * 3_600_000_000 : yield* timestamp(sinceRaw)
    return { stat, since }
  })
