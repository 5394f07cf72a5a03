import {
  type After,
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
 *
 * New checks slot into that order: the result window belongs to the integer params (it bounds page and
 * page_size together), `cursor` follows sort_dir (it must match both sorts), and the NUL check is part of
 * the filters. An empty value (`sort_by=`) is the parameter left out, for every parameter, as the Go service
 * reads it.
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

/**
 * A free-text value. PostgreSQL text cannot hold U+0000: such a value is bad input (a 400 naming the parameter),
 * not a database error answered as an outage.
 */
const text = (raw: Raw, name: string): Checked<string | undefined> => {
  const value = nonEmpty(raw[name])
  return value?.includes("\u0000")
    ? Result.fail(BadRequest.of(`${name} must not contain a NUL character`))
    : Result.succeed(value)
}

const filters = <K extends string>(
  raw: Raw,
  names: ReadonlyArray<K>,
  lower: ReadonlyArray<K> = [],
): Checked<Partial<Record<K, string>>> => {
  const out: Partial<Record<K, string>> = {}
  for (const name of names) {
    const value = text(raw, name)
    if (Result.isFailure(value)) return Result.fail(value.failure)
    if (value.success !== undefined)
      out[name] = lower.includes(name) ? value.success.toLowerCase() : value.success
  }
  return Result.succeed(out)
}

/** A filter on request_id matches the stored (normalised) id; a value that is no id matches nothing. */
const requestIdFilter = (raw: Raw): Checked<{ request_id?: string }> =>
  Result.map(text(raw, "request_id"), (value) =>
    value === undefined ? {} : { request_id: normalizeRequestId(value) ?? value },
  )

/** What the list endpoints need to know besides the query: the deepest row offset paging may reach. */
export interface ListLimits {
  readonly maxResultWindow: number
}

/**
 * `page` and `page_size`, and the result window (Elasticsearch's `max_result_window`): offset paging reads and
 * discards every row before the page, so `(page + 1) * page_size` is bounded. Deeper rows are reached by
 * cursor, whose cost does not grow with the depth.
 */
const paging = (raw: Raw, limits: ListLimits): Checked<{ page: number; pageSize: number }> =>
  Result.gen(function* () {
    const paged = yield* Result.all({
      page: integer(raw, "page", 0, Number.MAX_SAFE_INTEGER),
      pageSize: integer(raw, "page_size", 10, MAX_PAGE_SIZE, 1),
    })
    // page + 1 ≤ window / page_size: no product, so no integer overflow for a page near 2^53.
    if (paged.page + 1 > Math.floor(limits.maxResultWindow / paged.pageSize))
      return yield* Result.fail(
        BadRequest.of(
          `page and page_size reach past the result window: (page + 1) * page_size must be at most ` +
            `${limits.maxResultWindow}; to read further, use cursor (follow the Link rel="next" header ` +
            `of each full page)`,
        ),
      )
    return paged
  })

/**
 * Keyset cursors: opaque to clients, base64url of a small JSON object naming what the cursor was made for
 * (endpoint, sort_by, sort_dir) and the position of the last row of its page (sort key, unique id).
 */
type Endpoint = "payloads" | "statuses"

interface CursorBody {
  readonly v: 1
  readonly e: Endpoint
  readonly s: string
  readonly d: SortDir
  readonly k: string | number
  readonly i: number
}

/** Sort fields whose key is a timestamp (microseconds); every other sort key is text. */
const TIMESTAMP_SORTS: ReadonlyArray<string> = ["created_at", "date"]

export const encodeCursor = (endpoint: Endpoint, sortBy: string, sortDir: SortDir, after: After): string =>
  Buffer.from(
    JSON.stringify({
      v: 1,
      e: endpoint,
      s: sortBy,
      d: sortDir,
      k: after.key,
      i: after.id,
    } satisfies CursorBody),
  ).toString("base64url")

const BASE64URL = /^[A-Za-z0-9_-]+$/

const decodeCursor = (value: string): CursorBody | undefined => {
  if (!BASE64URL.test(value)) return undefined
  let body: unknown
  try {
    body = JSON.parse(Buffer.from(value, "base64url").toString("utf8"))
  } catch {
    return undefined
  }
  if (typeof body !== "object" || body === null) return undefined
  const c = body as Partial<Record<keyof CursorBody, unknown>>
  const keyOk = TIMESTAMP_SORTS.includes(String(c.s))
    ? Number.isSafeInteger(c.k)
    : typeof c.k === "string" && !c.k.includes("\u0000")
  return c.v === 1 &&
    (c.e === "payloads" || c.e === "statuses") &&
    typeof c.s === "string" &&
    (c.d === "asc" || c.d === "desc") &&
    keyOk &&
    Number.isSafeInteger(c.i) &&
    (c.i as number) >= 0
    ? (c as CursorBody)
    : undefined
}

/** `cursor`, checked against the endpoint and the sort it is used with; `undefined` when absent. */
const cursor = (
  raw: Raw,
  endpoint: Endpoint,
  sortBy: string,
  sortDir: SortDir,
  page: number,
): Checked<After | undefined> => {
  const value = nonEmpty(raw.cursor)
  if (value === undefined) return Result.succeed(undefined)
  if (page > 0)
    return Result.fail(
      BadRequest.of("cursor cannot be combined with page: a cursor page starts at the cursor"),
    )
  const c = decodeCursor(value)
  if (c === undefined)
    return Result.fail(
      BadRequest.of(`cursor is not a valid cursor; send back the one of a Link rel="next" header unchanged`),
    )
  if (c.e !== endpoint || c.s !== sortBy || c.d !== sortDir)
    return Result.fail(
      BadRequest.of(
        `cursor was made for /${c.e} with sort_by=${c.s} and sort_dir=${c.d}; use it with the same ones`,
      ),
    )
  return Result.succeed({ key: c.k, id: c.i })
}

export const payloadListQuery = (raw: Raw, limits: ListLimits): Checked<PayloadListQuery> =>
  Result.gen(function* () {
    const { page, pageSize } = yield* paging(raw, limits)
    const sortBy = yield* oneOf(raw, "sort_by", PAYLOAD_SORT_FIELDS, "created_at")
    const sortDir = yield* oneOf<SortDir>(raw, "sort_dir", ["asc", "desc"], "desc")
    const after = yield* cursor(raw, "payloads", sortBy, sortDir, page)
    const created_at = yield* timeRange(raw, "created_at")
    return {
      ...(yield* filters(raw, ["account", "org_id", "inventory_id", "system_id"])),
      ...(yield* requestIdFilter(raw)),
      created_at,
      sortBy,
      sortDir,
      page,
      pageSize,
      ...(after === undefined ? {} : { after }),
    }
  })

export const statusListQuery = (raw: Raw, limits: ListLimits): Checked<StatusListQuery> =>
  Result.gen(function* () {
    const { page, pageSize } = yield* paging(raw, limits)
    const sortBy = yield* oneOf(raw, "sort_by", STATUS_SORT_FIELDS, "date")
    const sortDir = yield* oneOf<SortDir>(raw, "sort_dir", ["asc", "desc"], "desc")
    const after = yield* cursor(raw, "statuses", sortBy, sortDir, page)
    const date = yield* timeRange(raw, "date")
    const created_at = yield* timeRange(raw, "created_at")
    return {
      ...(yield* filters(
        raw,
        ["service", "source", "status", "status_msg"],
        ["service", "source", "status"],
      )),
      ...(yield* requestIdFilter(raw)),
      date,
      created_at,
      sortBy,
      sortDir,
      page,
      pageSize,
      ...(after === undefined ? {} : { after }),
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
