import { Exit, Predicate, Result, Schema } from "effect"
import { normalizeRequestId } from "./RequestId.ts"
import type { StatusEvent } from "./StatusEvent.ts"
import { formatTimestamp, Micros, parseStatusDate } from "./Timestamp.ts"

/**
 * The wire format of a status message (docs/status-messages.md). Every field is optional at this level: JSON `null` means
 * absent, any other non-string is a type error. The rules that need more than a type (required fields, id and
 * date formats) are checked after decoding so each rejection gets a precise, human-readable reason.
 */
const OptionalText = Schema.optionalKey(Schema.NullOr(Schema.String))
const WireStatusMessage = Schema.Struct({
  request_id: OptionalText,
  payload_id: OptionalText,
  service: OptionalText,
  source: OptionalText,
  status: OptionalText,
  status_msg: OptionalText,
  date: OptionalText,
  account: OptionalText,
  org_id: OptionalText,
  inventory_id: OptionalText,
  system_id: OptionalText,
})

/** Why a message was rejected. `kind` feeds the metrics: operators watch invalid ids separately. */
export interface Rejection {
  readonly kind: "invalid_json" | "invalid_request_id" | "invalid_message"
  readonly reason: string
}

type DecodeResult = Result.Result<StatusEvent, Rejection>

/**
 * The one size limit of a status, for every way in: a Kafka record's value, an HTTP ingest item (measured as the
 * UTF-8 length of its compact JSON). A status is a few hundred bytes; 256 KiB of text is a producer bug, and a
 * constant rather than a setting so that the two paths can never judge the same status differently.
 */
export const MAX_STATUS_BYTES = 256 * 1024

/**
 * The dates a status may carry, as UTC instants: [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z). Outside it a
 * producer is broken (Go's zero time 0001-01-01, a century typo), and inside it microseconds are exact
 * (Timestamp.ts) and every date prints as RFC 3339 with a 4-digit year.
 */
export const STATUS_DATE_RANGE = {
  from: Micros.make(Date.UTC(2000, 0, 1) * 1000),
  until: Micros.make(Date.UTC(2100, 0, 1) * 1000),
} as const satisfies { readonly from: Micros; readonly until: Micros }

/**
 * How far ahead of the decoding clock a status may be dated: producers' clocks drift by seconds, not days. A status
 * dated next year would top every newest-first list until then, and retention (by date) would never remove it.
 */
export const MAX_FUTURE_MICROS = Micros.make(24 * 3_600_000_000)

const reject = (kind: Rejection["kind"], reason: string): DecodeResult => Result.fail({ kind, reason })
const decodeWire = Schema.decodeUnknownExit(WireStatusMessage)
const utf8 = new TextDecoder("utf-8", { fatal: true })
const encoder = new TextEncoder()
const WIRE_KEYS = new Set(Object.keys(WireStatusMessage.fields))

/** Bytes as text, or `undefined` when they are not valid UTF-8 (never replaced by U+FFFD: that would alter text). */
export const decodeUtf8 = (bytes: Uint8Array): string | undefined => {
  try {
    return utf8.decode(bytes)
  } catch {
    return undefined
  }
}

const tooLarge = (bytes: number): DecodeResult =>
  reject("invalid_message", `record too large: ${bytes} bytes (limit ${MAX_STATUS_BYTES})`)

// PostgreSQL text cannot hold NUL; docs/status-messages.md says to drop it rather than fail the batch. A lone surrogate (valid
// UTF-8 bytes can escape one: "\ud800") has no UTF-8 form: it becomes U+FFFD here, as Go's decoder does, so every
// store holds the same text instead of each driver deciding.
const clean = (value: string | null | undefined): string => {
  if (value == null) return ""
  const text = value.includes("\u0000") ? value.replaceAll("\u0000", "") : value
  return text.isWellFormed() ? text : text.toWellFormed()
}

// Keys match case-insensitively (the Go consumer accepts `Service`, `REQUEST_ID`); an exact lower-case key wins.
const lowerCaseKeys = (input: Record<string, unknown>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(input)) {
    const lower = key.toLowerCase()
    if (!WIRE_KEYS.has(lower)) continue
    if (key === lower || !(lower in out)) out[lower] = input[key]
  }
  return out
}

const describeTypeError = (exit: Exit.Exit<unknown, Schema.SchemaError>): string => {
  const message = Exit.isFailure(exit) ? String(exit.cause.reasons[0]?.toString() ?? "") : ""
  const at = /at \["([^"]+)"\]/.exec(message)
  return at ? `field ${at[1]} must be a string or null` : `invalid message: ${message.split("\n")[0]}`
}

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  Predicate.isObject(value) && !Array.isArray(value)

const notAnObject = (value: unknown): DecodeResult =>
  reject(
    "invalid_message",
    `expected a JSON object, got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`,
  )

const ID_FORMAT = "expected 32 hex characters or a dashed UUID"

/** The rules after the size and text checks: fields, id, date. `now` undefined = no future rule. */
const decodeObject = (value: Record<string, unknown>, now: Micros | undefined): DecodeResult => {
  const fields = lowerCaseKeys(value)
  // A non-string id (`"request_id": 12345`) is a bad id, not a bad message: operators count ids separately.
  const givenId = fields.request_id ?? fields.payload_id
  if (givenId != null && typeof givenId !== "string") {
    return reject(
      "invalid_request_id",
      `invalid request_id ${String(JSON.stringify(givenId)).slice(0, 100)}: ${ID_FORMAT}, as a string`,
    )
  }
  const exit = decodeWire(fields)
  if (Exit.isFailure(exit)) return reject("invalid_message", describeTypeError(exit))
  const wire = exit.value

  const rawId = wire.request_id ?? wire.payload_id
  if (rawId == null) return reject("invalid_request_id", "missing request_id")
  const request_id = normalizeRequestId(clean(rawId))
  if (request_id === undefined) {
    return reject(
      "invalid_request_id",
      `invalid request_id ${JSON.stringify(rawId.slice(0, 100))}: ${ID_FORMAT}`,
    )
  }
  const service = clean(wire.service).trim().toLowerCase()
  if (service === "") return reject("invalid_message", "missing service")
  const status = clean(wire.status).trim().toLowerCase()
  if (status === "") return reject("invalid_message", "missing status")
  if (wire.date == null) return reject("invalid_message", "missing date")
  const date = parseStatusDate(clean(wire.date))
  if (date === undefined) {
    return reject(
      "invalid_message",
      `invalid date ${JSON.stringify(wire.date.slice(0, 64))}: expected RFC 3339 (e.g. 2026-11-23T10:00:00.123456Z)`,
    )
  }
  if (date < STATUS_DATE_RANGE.from || date >= STATUS_DATE_RANGE.until) {
    return reject(
      "invalid_message",
      `date ${JSON.stringify(wire.date.slice(0, 64))} is outside the accepted range [${formatTimestamp(STATUS_DATE_RANGE.from)}, ${formatTimestamp(STATUS_DATE_RANGE.until)})`,
    )
  }
  if (now !== undefined && date > now + MAX_FUTURE_MICROS) {
    return reject(
      "invalid_message",
      `date ${JSON.stringify(wire.date.slice(0, 64))} is more than 24 h in the future (now ${formatTimestamp(now)})`,
    )
  }
  return Result.succeed({
    request_id,
    service,
    source: clean(wire.source).trim().toLowerCase(),
    status,
    status_msg: clean(wire.status_msg),
    date,
    account: clean(wire.account),
    org_id: clean(wire.org_id),
    inventory_id: clean(wire.inventory_id),
    system_id: clean(wire.system_id),
  })
}

/**
 * Decodes an already-parsed JSON value: an HTTP ingest item, judged as if it were a Kafka record holding its compact
 * JSON (`JSON.stringify`), so the size limit is the same. `now` (µs, from the caller's Clock) enables the future
 * rule; without it only the static date range applies (tests, tools that check what a producer generates).
 */
export const decodeStatusValue = (value: unknown, now?: Micros): DecodeResult => {
  if (!isJsonObject(value)) return notAnObject(value)
  let json: string | undefined
  try {
    json = JSON.stringify(value)
  } catch {
    return reject("invalid_message", "not a JSON value")
  }
  // UTF-16 length ≤ UTF-8 length ≤ 3 × UTF-16 length: encode only when the cheap bounds cannot decide.
  if (json.length > MAX_STATUS_BYTES) return tooLarge(encoder.encode(json).length)
  if (json.length * 3 > MAX_STATUS_BYTES) {
    const bytes = encoder.encode(json).length
    if (bytes > MAX_STATUS_BYTES) return tooLarge(bytes)
  }
  return decodeObject(value, now)
}

/**
 * Decodes one Kafka record value (raw bytes) into a status event or a rejection with its reason: size first (a
 * huge record is refused unread), then UTF-8, JSON and the field rules. `now` as for decodeStatusValue.
 */
export const decodeStatusMessage = (bytes: Uint8Array | string, now?: Micros): DecodeResult => {
  const size = typeof bytes === "string" ? encoder.encode(bytes).length : bytes.length
  if (size > MAX_STATUS_BYTES) return tooLarge(size)
  const text = typeof bytes === "string" ? bytes : decodeUtf8(bytes)
  if (text === undefined) return reject("invalid_json", "invalid UTF-8")
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return reject("invalid_json", `invalid JSON: ${(error as Error).message}`)
  }
  return isJsonObject(value) ? decodeObject(value, now) : notAnObject(value)
}
