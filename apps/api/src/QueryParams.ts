import {
  type After,
  HISTORY_SORT_FIELDS,
  PAYLOAD_SORT_FIELDS,
  type PayloadListQuery,
  type SortDir,
  STATUS_SORT_FIELDS,
  type StatusListQuery,
  type TimeRange,
} from "@pt/domain/Queries"
import { normalizeRequestId } from "@pt/domain/RequestId"
import { STATS } from "@pt/domain/Stats"
import { Micros, parseRfc3339 } from "@pt/domain/Timestamp"
import { Option, Result, Schema, SchemaAST, SchemaGetter } from "effect"
import { BadRequest } from "./ApiErrors.ts"
import { timestampFrom } from "./WireCodecs.ts"

/**
 * The query parameters of the REST API v1 (docs/api.md) as Schemas: HttpApi decodes them (Api.ts), openapi.json documents them, and
 * each one carries the spec's exact 400 message as its `message` annotation. An endpoint's query fields are
 * declared in the spec's validation order (integer params → sort_by → sort_dir → cursor → timestamps →
 * filters) and decoding stops at the first failing field, so the first message is the one answered (Routing.ts).
 *
 * Every parameter accepts "" as the parameter left out, as the Go service reads it; the documented schema says
 * so (`""` or the value), so a generated client may send it. What no single parameter can decide — the result
 * window (page with page_size) and a cursor's binding to its sort — is checked in the small mappings at the
 * bottom, from the decoded query to the domain's query types.
 */

/** `""` or `inner`, decoded to `inner`'s value or absent; any failure answers `message`. */
export const param = <S extends Schema.Codec<unknown, string>>(
  inner: S,
  message: string,
  description: string,
  examples?: ReadonlyArray<string>,
) =>
  Schema.optionalKey(
    Schema.Union([Schema.Literal(""), inner]).annotate(
      examples ? { description, examples } : { description },
    ),
  ).pipe(
    Schema.decodeTo(Schema.optionalKey(Schema.toType(inner).annotate({ message })), {
      decode: SchemaGetter.transformOptional((o) => Option.filter(o, (v) => v !== "")),
      encode: SchemaGetter.passthrough(),
    }),
  ) as unknown as Schema.optionalKey<Schema.Codec<S["Type"], string>>

/**
 * The 400 message of query parameter `name` of an endpoint's query schema: the `message` its `param` carries,
 * whatever inside it failed (wrong type, pattern, bounds, a repeated parameter).
 */
export const paramMessage = (query: Schema.Top, name: string): string | undefined => {
  if (!SchemaAST.isObjects(query.ast)) return undefined
  const property = query.ast.propertySignatures.find((p) => p.name === name)
  const message = property && SchemaAST.resolve(property.type)?.message
  return typeof message === "string" ? message : undefined
}

/**
 * A decimal integer in [minimum, maximum]; `pattern` says as much of the range as openapi.json can carry (and, by
 * bounding the digits, keeps the number a safe integer).
 */
export const integer = (minimum: number, maximum: number, pattern: RegExp) =>
  Schema.String.check(Schema.isPattern(pattern)).pipe(
    Schema.decodeTo(Schema.Int.check(Schema.isBetween({ minimum, maximum })), {
      decode: SchemaGetter.transform(Number),
      encode: SchemaGetter.transform(String),
    }),
  )

const MAX_PAGE_SIZE = 1000
// The configured result window (ListLimits) is the real bound on page, checked with page_size; 15 digits stay
// below 2^53.
const MAX_PAGE = 999_999_999_999_999

const INVALID_TIMESTAMP = "invalid timestamp format provided"

/** RFC 3339 (`Z` or `±HH:MM`, optional fraction), decoded to the domain's microseconds. */
export const Rfc3339 = timestampFrom(
  Schema.String.check(
    Schema.makeFilter((s: string) => parseRfc3339(s) !== undefined, {
      expected: "an RFC 3339 timestamp",
      toJsonSchema: () => ({ format: "date-time" }),
    }),
  ),
)

const timestamp = (description: string) => param(Rfc3339, INVALID_TIMESTAMP, description)

const timeFilters = <F extends string>(field: F) =>
  ({
    [`${field}_lt`]: timestamp(`${field} < value (RFC 3339)`),
    [`${field}_lte`]: timestamp(`${field} <= value (RFC 3339)`),
    [`${field}_gt`]: timestamp(`${field} > value (RFC 3339)`),
    [`${field}_gte`]: timestamp(`${field} >= value (RFC 3339)`),
  }) as Record<`${F}_${"lt" | "lte" | "gt" | "gte"}`, ReturnType<typeof timestamp>>

/**
 * A free-text filter. PostgreSQL text cannot hold U+0000: such a value is bad input (a 400 naming the
 * parameter), not a database error answered as an outage.
 */
// `u` lets openapi.json carry the pattern.
// biome-ignore lint/suspicious/noControlCharactersInRegex: U+0000 is exactly the character this rule is about
const NUL_FREE = /^[^\u0000]*$/u
const NoNul = Schema.String.check(Schema.isPattern(NUL_FREE))
const text = (name: string, description: string, examples?: ReadonlyArray<string>) =>
  param(NoNul, `${name} must not contain a NUL character`, description, examples)
/** Names are stored lower-case: service, source and status filters match case-insensitively. */
const name = (field: string, description: string, examples?: ReadonlyArray<string>) =>
  param(
    NoNul.pipe(
      Schema.decodeTo(Schema.String, {
        decode: SchemaGetter.transform((s: string) => s.toLowerCase()),
        encode: SchemaGetter.passthrough(),
      }),
    ),
    `${field} must not contain a NUL character`,
    description,
    examples,
  )
/** A filter on request_id matches the stored (normalised) id; a value that is no id matches nothing. */
const requestIdFilter = param(
  NoNul.pipe(
    Schema.decodeTo(Schema.String, {
      decode: SchemaGetter.transform((s: string) => normalizeRequestId(s) ?? s),
      encode: SchemaGetter.passthrough(),
    }),
  ),
  "request_id must not contain a NUL character",
  "Exact match; a dashed UUID finds the same payload",
)

const oneOf = <const L extends ReadonlyArray<string>>(
  field: string,
  allowed: L,
  description: string,
  examples?: ReadonlyArray<L[number]>,
) => param(Schema.Literals(allowed), `${field} must be one of ${allowed.join(", ")}`, description, examples)

const sortDir = (description: string) => oneOf("sort_dir", ["asc", "desc"], description)

/**
 * Keyset cursors: opaque to clients, base64url of a small JSON object naming what the cursor was made for
 * (endpoint, sort_by, sort_dir) and the position of the last row of its page (sort key, unique id).
 */
type Endpoint = "payloads" | "statuses"
const TIMESTAMP_SORTS: ReadonlyArray<string> = ["created_at", "date"]
const CursorBody = Schema.Struct({
  v: Schema.Literal(1),
  e: Schema.Literals(["payloads", "statuses"]),
  s: Schema.String,
  d: Schema.Literals(["asc", "desc"]),
  k: Schema.Union([Schema.Int, Schema.String.check(Schema.isPattern(NUL_FREE))]),
  i: Schema.Int.check(Schema.isGreaterThanOrEqualTo(0)),
}).check(
  Schema.makeFilter((c) =>
    TIMESTAMP_SORTS.includes(c.s) ? typeof c.k === "number" : typeof c.k === "string",
  ),
)
type CursorBody = typeof CursorBody.Type

const CursorJson = Schema.fromJsonString(CursorBody)
const Base64UrlJson = Schema.String.check(Schema.isPattern(/^[A-Za-z0-9_-]+$/u)).pipe(
  Schema.decodeTo(Schema.String, {
    decode: SchemaGetter.transform((s: string) => Buffer.from(s, "base64url").toString("utf8")),
    encode: SchemaGetter.transform((s: string) => Buffer.from(s).toString("base64url")),
  }),
  Schema.decodeTo(CursorJson),
)

export const encodeCursor = (endpoint: Endpoint, sortBy: string, sortDir: SortDir, after: After): string =>
  Schema.encodeSync(Base64UrlJson)({ v: 1, e: endpoint, s: sortBy, d: sortDir, k: after.key, i: after.id })

const cursor = param(
  Base64UrlJson,
  `cursor is not a valid cursor; send back the one of a Link rel="next" header unchanged`,
  'Keyset paging: the page after the row a cursor points at. A full page answers `Link: <…>; rel="next"` ' +
    "with the next page's URL (this parameter set); not with page > 0, and only with the sort_by and " +
    "sort_dir it was made for. Walks any depth at the cost of a first page.",
)

const paging = {
  page: param(
    integer(0, MAX_PAGE, /^[0-9]{1,15}$/u),
    "page must be a non-negative integer",
    "Zero-based page, default 0; (page + 1) * page_size at most API_MAX_RESULT_WINDOW (default 10000)",
  ),
  page_size: param(
    integer(1, MAX_PAGE_SIZE, /^0*([1-9][0-9]{0,2}|1000)$/u),
    `page_size must be an integer between 1 and ${MAX_PAGE_SIZE}`,
    `1..${MAX_PAGE_SIZE}, default 10`,
  ),
}

/** `GET /payloads`, in validation order. */
export const PayloadListParams = {
  ...paging,
  sort_by: oneOf("sort_by", PAYLOAD_SORT_FIELDS, "Default created_at"),
  sort_dir: sortDir("Default desc"),
  cursor,
  ...timeFilters("created_at"),
  account: text("account", "Exact match"),
  org_id: text("org_id", "Exact match"),
  inventory_id: text("inventory_id", "Exact match"),
  system_id: text("system_id", "Exact match"),
  request_id: requestIdFilter,
  // The fleet filters (issue 10), after the existing ones in the validation order.
  outcome: oneOf(
    "outcome",
    ["success", "error", "in_progress", "stalled"],
    "The payload's outcome (docs/status-messages.md): error if any service ended in error, success when " +
      "every service succeeded, else in_progress, or stalled once its latest status is older than STALLED_AFTER",
    ["error"],
  ),
  service: name("service", "Has a status from this service; case-insensitive", ["puptoo"]),
  status: name(
    "status",
    "Has a status with this word (from `service` when that is given too); case-insensitive",
    ["error"],
  ),
  summary: oneOf(
    "summary",
    ["true", "false"],
    "true: each item gains `summary` after its seven keys (outcome, services, last_status, first_error); " +
      "default false",
    ["true"],
  ),
}

/** `GET /statuses`, in validation order. */
export const StatusListParams = {
  ...paging,
  sort_by: oneOf("sort_by", STATUS_SORT_FIELDS, "Default date"),
  sort_dir: sortDir("Default desc"),
  cursor,
  ...timeFilters("date"),
  ...timeFilters("created_at"),
  service: name("service", "Exact match, case-insensitive"),
  source: name("source", "Exact match, case-insensitive"),
  status: name("status", "Exact match, case-insensitive"),
  status_msg: text("status_msg", "Exact match"),
  request_id: requestIdFilter,
}

/** `GET /payloads/{request_id}`, in validation order. */
export const HistoryParams = {
  verbosity: param(
    Schema.Literals(["0", "1", "2"]).pipe(
      Schema.decodeTo(Schema.Literals([0, 1, 2]), {
        decode: SchemaGetter.transform((s: "0" | "1" | "2") => Number(s) as 0 | 1 | 2),
        encode: SchemaGetter.transform((n: 0 | 1 | 2) => String(n) as "0" | "1" | "2"),
      }),
    ),
    "verbosity must be one of 0, 1, 2",
    "0 (default, full), 1 or 2",
  ),
  sort_by: oneOf("sort_by", HISTORY_SORT_FIELDS, "Default date"),
  sort_dir: sortDir("Default desc: data[0] is the latest status"),
}

const MAX_HOST_UPLOADS = 100

/** `GET /hosts`, in validation order; exactly one of inventory_id and system_id (checked in hostHistoryQuery). */
export const HostParams = {
  page_size: param(
    integer(1, MAX_HOST_UPLOADS, /^0*([1-9][0-9]?|100)$/u),
    `page_size must be an integer between 1 and ${MAX_HOST_UPLOADS}`,
    `Uploads listed, newest first: 1..${MAX_HOST_UPLOADS}, default 20 (the totals count all of them)`,
  ),
  inventory_id: text("inventory_id", "The host's inventory id (exact match); or system_id", [
    "3fa85f64-5717-4562-b3fc-2c963f66afa6",
  ]),
  system_id: text("system_id", "The host's system id (exact match); or inventory_id", [
    "d4a1c3b2-0e5f-4a6b-9c8d-7e6f5a4b3c2d",
  ]),
}

export const StatsParams = {
  stat: oneOf("stat", STATS, "Default SuccessRate"),
  since: timestamp("RFC 3339, default 24 h ago"),
}

// ---------------------------------------------------------------------------------------------------------
// From the decoded query to the domain's query types; the rules that relate two parameters live here.
// ---------------------------------------------------------------------------------------------------------

type Decoded<F extends Schema.Struct.Fields> = Schema.Struct.Type<F>
type Checked<A> = Result.Result<A, BadRequest>

/** What the list endpoints need to know besides the query: the deepest row offset paging may reach. */
export interface ListLimits {
  readonly maxResultWindow: number
}

/**
 * The result window (Elasticsearch's `max_result_window`): offset paging reads and discards every row before
 * the page, so `(page + 1) * page_size` is bounded. Deeper rows are reached by cursor, whose cost does not
 * grow with the depth. In the validation order it follows page and page_size (Routing.ts asks it first when
 * a later parameter is wrong too).
 */
export const windowError = (
  q: { readonly page?: number; readonly page_size?: number },
  limits: ListLimits,
): BadRequest | undefined => {
  const page = q.page ?? 0
  const pageSize = q.page_size ?? 10
  // page + 1 ≤ window / page_size: no product, so no integer overflow.
  return page + 1 > Math.floor(limits.maxResultWindow / pageSize)
    ? BadRequest.of(
        `page and page_size reach past the result window: (page + 1) * page_size must be at most ` +
          `${limits.maxResultWindow}; to read further, use cursor (follow the Link rel="next" header ` +
          `of each full page)`,
      )
    : undefined
}

/** The paging fields alone, for Routing.ts: the window is judged before the parameters after it. */
export const PagingParams = Schema.Struct(paging)

const after = (c: CursorBody | undefined, endpoint: Endpoint, sortBy: string, dir: SortDir, page: number) => {
  if (c === undefined) return Result.succeed(undefined)
  if (page > 0)
    return Result.fail(
      BadRequest.of("cursor cannot be combined with page: a cursor page starts at the cursor"),
    )
  if (c.e !== endpoint || c.s !== sortBy || c.d !== dir)
    return Result.fail(
      BadRequest.of(
        `cursor was made for /${c.e} with sort_by=${c.s} and sort_dir=${c.d}; use it with the same ones`,
      ),
    )
  return Result.succeed<After>({ key: c.k, id: c.i })
}

const range = <F extends string>(q: Readonly<Record<string, unknown>>, field: F): TimeRange => {
  const out: { -readonly [K in keyof TimeRange]: Micros } = {}
  for (const op of ["lt", "lte", "gt", "gte"] as const) {
    const value = q[`${field}_${op}`]
    if (typeof value === "number") out[op] = Micros.make(value)
  }
  return out
}

const pick = <K extends string>(q: Partial<Record<K, string>>, keys: ReadonlyArray<K>) =>
  Object.fromEntries(keys.flatMap((k) => (q[k] === undefined ? [] : [[k, q[k]]]))) as Partial<
    Record<K, string>
  >

const listPaging = (
  q: Decoded<typeof paging> & { readonly cursor?: CursorBody },
  endpoint: Endpoint,
  sortBy: string,
  sortDir: SortDir,
  limits: ListLimits,
): Checked<{ page: number; pageSize: number; after?: After }> =>
  Result.gen(function* () {
    const tooDeep = windowError(q, limits)
    if (tooDeep) return yield* Result.fail(tooDeep)
    const page = q.page ?? 0
    const position = yield* after(q.cursor, endpoint, sortBy, sortDir, page)
    return { page, pageSize: q.page_size ?? 10, ...(position === undefined ? {} : { after: position }) }
  })

export const payloadListQuery = (
  q: Decoded<typeof PayloadListParams>,
  limits: ListLimits,
): Checked<PayloadListQuery> => {
  const sortBy = q.sort_by ?? "created_at"
  const sortDir = q.sort_dir ?? "desc"
  return Result.map(listPaging(q, "payloads", sortBy, sortDir, limits), (paged) => ({
    ...pick(q, ["account", "org_id", "inventory_id", "system_id", "request_id", "service", "status"]),
    ...(q.outcome === undefined ? {} : { outcome: q.outcome }),
    ...(q.summary === "true" ? { withSummary: true } : {}),
    created_at: range(q, "created_at"),
    sortBy,
    sortDir,
    ...paged,
  }))
}

/** `GET /hosts`: exactly one host id, and how many uploads to list. */
export const hostHistoryQuery = (
  q: Decoded<typeof HostParams>,
): Checked<{ inventory_id?: string; system_id?: string; limit: number }> => {
  const limit = q.page_size ?? 20
  if ((q.inventory_id === undefined) === (q.system_id === undefined))
    return Result.fail(BadRequest.of("exactly one of inventory_id and system_id must be given"))
  return Result.succeed(
    q.inventory_id !== undefined
      ? { inventory_id: q.inventory_id, limit }
      : { system_id: q.system_id!, limit },
  )
}

export const statusListQuery = (
  q: Decoded<typeof StatusListParams>,
  limits: ListLimits,
): Checked<StatusListQuery> => {
  const sortBy = q.sort_by ?? "date"
  const sortDir = q.sort_dir ?? "desc"
  return Result.map(listPaging(q, "statuses", sortBy, sortDir, limits), (paged) => ({
    ...pick(q, ["service", "source", "status", "status_msg", "request_id"]),
    date: range(q, "date"),
    created_at: range(q, "created_at"),
    sortBy,
    sortDir,
    ...paged,
  }))
}
