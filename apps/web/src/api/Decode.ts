import { parseRfc3339, parseStatusDate } from "@pt/domain/Timestamp"
import {
  type AllowedResponse,
  type HistoryResponse,
  type HistoryStatus,
  type HostResponse,
  type ListResponse,
  OUTCOMES,
  type PayloadSummary,
  type PipelineResponse,
  type ServiceState,
  type UrlResponse,
} from "./ApiTypes.ts"

/**
 * Every API answer is checked where it is fetched, before any page uses it: a shape or value the pages cannot
 * render (a date no parser reads, a missing list, a string where a count belongs) becomes one clear error
 * naming the field, instead of a page that renders nothing and waits forever, or one that throws mid-render.
 * Hand-written on purpose: a few checks, no schema library in the browser bundle.
 */
export class DecodeError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "DecodeError"
  }
}

export type Decoder<A> = (value: unknown, at: string) => A

const describe = (value: unknown): string => {
  if (value === undefined) return "missing"
  if (value === null) return "null"
  if (Array.isArray(value)) return "a list"
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
  if (typeof value === "object") return "an object"
  return `${typeof value} ${String(value)}`
}

const fail = (at: string, expected: string, value: unknown): never => {
  throw new DecodeError(`${at || "the body"} is ${describe(value)}, expected ${expected}`)
}

const field = (at: string, key: string): string => (at ? `${at}.${key}` : key)

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

const string: Decoder<string> = (value, at) =>
  typeof value === "string" ? value : fail(at, "a string", value)

const number: Decoder<number> = (value, at) =>
  typeof value === "number" && Number.isFinite(value) ? value : fail(at, "a number", value)

const count: Decoder<number> = (value, at) =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : fail(at, "a count", value)

const boolean: Decoder<boolean> = (value, at) =>
  typeof value === "boolean" ? value : fail(at, "true or false", value)

/** A status date the Track page can place on its timeline (the domain's own parser decides). */
const statusDate: Decoder<string> = (value, at) => {
  const text = string(value, at)
  return parseStatusDate(text) === undefined ? fail(at, "a date this page can read", text) : text
}

const array =
  <A>(item: Decoder<A>): Decoder<ReadonlyArray<A>> =>
  (value, at) =>
    Array.isArray(value) ? value.map((v, i) => item(v, `${at}[${i}]`)) : fail(at, "a list", value)

const record =
  <A>(item: Decoder<A>): Decoder<Readonly<Record<string, A>>> =>
  (value, at) =>
    isObject(value)
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, item(v, field(at, k))]))
      : fail(at, "an object", value)

type Fields = Readonly<Record<string, readonly [Decoder<unknown>, "required" | "optional"]>>

/** An object with these fields checked (absent optional ones stay absent) and any other keys kept as sent. */
const object =
  <A>(fields: Fields): Decoder<A> =>
  (value, at) => {
    if (!isObject(value)) return fail(at, "an object", value)
    const out: Record<string, unknown> = { ...value }
    for (const [key, [decode, presence]] of Object.entries(fields)) {
      const given = value[key]
      if (given === undefined && presence === "optional") continue
      out[key] = decode(given, field(at, key))
    }
    return out as A
  }

const cell: Decoder<string | number | boolean | null> = (value, at) =>
  value === null || typeof value === "string" || typeof value === "boolean" || typeof value === "number"
    ? value
    : fail(at, "a text or a number", value)

/** A list row: any keys, each a value a table cell can print. */
export const listRow: Decoder<Readonly<Record<string, unknown>>> = record(cell)

export const listResponse = <Row>(row: Decoder<Row>): Decoder<ListResponse<Row>> =>
  object({ count: [count, "required"], elapsed: [number, "optional"], data: [array(row), "required"] })

const optionalText = (names: ReadonlyArray<string>): Fields =>
  Object.fromEntries(names.map((name) => [name, [string, "optional"] as const]))

const historyStatus: Decoder<HistoryStatus> = object({
  ...optionalText([
    "service",
    "source",
    "account",
    "org_id",
    "request_id",
    "inventory_id",
    "system_id",
    "created_at",
    "status",
    "status_msg",
  ]),
  id: [number, "optional"],
  date: [statusDate, "required"],
})

export const historyResponse: Decoder<HistoryResponse> = object({
  data: [array(historyStatus), "required"],
  duration: [record(string), "required"],
})

export const urlResponse: Decoder<UrlResponse> = object({ url: [string, "required"] })

export const allowedResponse: Decoder<AllowedResponse> = object({ allowed: [boolean, "required"] })

/** One of a fixed set of words (an outcome, a service state). */
const oneOf =
  <A extends string>(words: ReadonlyArray<A>): Decoder<A> =>
  (value, at) =>
    typeof value === "string" && (words as ReadonlyArray<string>).includes(value)
      ? (value as A)
      : fail(at, `one of ${words.join(", ")}`, value)

/** An RFC 3339 timestamp (the new answers' `first_date`, `since`, `start`…): charts and links compute with it. */
const timestamp: Decoder<string> = (value, at) => {
  const text = string(value, at)
  return parseRfc3339(text) === undefined ? fail(at, "an RFC 3339 timestamp", text) : text
}

/** A number that may be absent or null: a percentile of no finished stage. */
const maybeNumber: Decoder<number | null> = (value, at) => (value === null ? null : number(value, at))

const SERVICE_STATES: ReadonlyArray<ServiceState> = ["success", "error", "open"]

const summaryStatus = object({
  service: [string, "required"],
  status: [string, "required"],
  status_msg: [string, "optional"],
  date: [timestamp, "required"],
})

const payloadSummary: Decoder<PayloadSummary> = object({
  outcome: [oneOf(OUTCOMES), "required"],
  services: [
    array(
      object({
        service: [string, "required"],
        state: [oneOf(SERVICE_STATES), "required"],
        first_date: [timestamp, "required"],
        last_date: [timestamp, "required"],
        elapsed_seconds: [number, "optional"],
      }),
    ),
    "required",
  ],
  last_status: [summaryStatus, "required"],
  first_error: [summaryStatus, "optional"],
})

/** A `/payloads?summary=true` row: printable cells, and `summary` (when present) checked as a summary. */
export const summarizedListRow: Decoder<Readonly<Record<string, unknown>>> = (value, at) => {
  if (!isObject(value)) return fail(at, "an object", value)
  const { summary, ...cells } = value
  const row: Record<string, unknown> = { ...listRow(cells, at) }
  if (summary !== undefined) row.summary = payloadSummary(summary, field(at, "summary"))
  return row
}

const payloadRow = object({
  id: [number, "required"],
  request_id: [string, "required"],
  account: [string, "required"],
  inventory_id: [string, "required"],
  system_id: [string, "required"],
  created_at: [string, "required"],
  org_id: [string, "required"],
  summary: [payloadSummary, "required"],
})

export const hostResponse: Decoder<HostResponse> = object({
  inventory_ids: [array(string), "required"],
  system_ids: [array(string), "required"],
  first_seen: [timestamp, "required"],
  last_seen: [timestamp, "required"],
  total: [count, "required"],
  succeeded: [count, "required"],
  uploads: [array(payloadRow), "required"],
})

const pipelineService = object({
  service: [string, "required"],
  seen: [count, "required"],
  succeeded: [count, "required"],
  failed: [count, "required"],
  open_now: [count, "required"],
  stalled_now: [count, "required"],
  error_rate: [number, "required"],
  duration_seconds: [
    object({
      p50: [maybeNumber, "optional"],
      p95: [maybeNumber, "optional"],
      p99: [maybeNumber, "optional"],
    }),
    "optional",
  ],
  series: [
    array(
      object({
        start: [timestamp, "required"],
        throughput: [count, "required"],
        errors: [count, "required"],
        p95_seconds: [maybeNumber, "optional"],
      }),
    ),
    "required",
  ],
  top_errors: [
    array(
      object({
        status: [string, "required"],
        status_msg: [string, "optional"],
        count: [count, "required"],
        example_request_id: [string, "required"],
      }),
    ),
    "required",
  ],
})

export const pipelineResponse: Decoder<PipelineResponse> = object({
  since: [timestamp, "required"],
  until: [timestamp, "required"],
  bucket_seconds: [number, "required"],
  services: [array(pipelineService), "required"],
  flow: [
    array(object({ from: [string, "required"], to: [string, "required"], count: [count, "required"] })),
    "required",
  ],
})

/** Runs `decoder` on a parsed body; the error names the field from the body's root (`data[3].date`). */
export const decode = <A>(decoder: Decoder<A>, body: unknown): A => decoder(body, "")
