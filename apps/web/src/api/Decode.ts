import { parseStatusDate } from "@pt/domain/Timestamp"
import type {
  AllowedResponse,
  HistoryResponse,
  HistoryStatus,
  ListResponse,
  UrlResponse,
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

export const string: Decoder<string> = (value, at) =>
  typeof value === "string" ? value : fail(at, "a string", value)

export const number: Decoder<number> = (value, at) =>
  typeof value === "number" && Number.isFinite(value) ? value : fail(at, "a number", value)

export const count: Decoder<number> = (value, at) =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : fail(at, "a count", value)

export const boolean: Decoder<boolean> = (value, at) =>
  typeof value === "boolean" ? value : fail(at, "true or false", value)

/** A status date the Track page can place on its timeline (the domain's own parser decides). */
const statusDate: Decoder<string> = (value, at) => {
  const text = string(value, at)
  return parseStatusDate(text) === undefined ? fail(at, "a date this page can read", text) : text
}

export const array =
  <A>(item: Decoder<A>): Decoder<ReadonlyArray<A>> =>
  (value, at) =>
    Array.isArray(value) ? value.map((v, i) => item(v, `${at}[${i}]`)) : fail(at, "a list", value)

export const record =
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

/** Runs `decoder` on a parsed body; the error names the field from the body's root (`data[3].date`). */
export const decode = <A>(decoder: Decoder<A>, body: unknown): A => decoder(body, "")
