import { Exit, Predicate, Result, Schema } from "effect"
import { normalizeRequestId } from "./RequestId.ts"
import type { StatusEvent } from "./StatusEvent.ts"
import { parseStatusDate } from "./Timestamp.ts"

/**
 * The wire format of a status message (messages.md). Every field is optional at this level: JSON `null` means
 * absent, any other non-string is a type error. The rules that need more than a type (required fields, id and
 * date formats) are checked after decoding so each rejection gets a precise, human-readable reason.
 */
const OptionalText = Schema.optionalKey(Schema.NullOr(Schema.String))
export const WireStatusMessage = Schema.Struct({
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
export type WireStatusMessage = typeof WireStatusMessage.Type

/** Why a message was rejected. `kind` feeds the metrics: operators watch invalid ids separately. */
export interface Rejection {
  readonly kind: "invalid_json" | "invalid_request_id" | "invalid_message"
  readonly reason: string
}

export type DecodeResult = Result.Result<StatusEvent, Rejection>

const reject = (kind: Rejection["kind"], reason: string): DecodeResult => Result.fail({ kind, reason })
const decodeWire = Schema.decodeUnknownExit(WireStatusMessage)
const utf8 = new TextDecoder("utf-8", { fatal: true })
const WIRE_KEYS = new Set(Object.keys(WireStatusMessage.fields))

// PostgreSQL text cannot hold NUL; messages.md says to drop it rather than fail the batch.
const clean = (value: string | null | undefined): string =>
  value == null ? "" : value.includes("\u0000") ? value.replaceAll("\u0000", "") : value

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

/** Decodes an already-parsed JSON value (HTTP ingest items, or a Kafka record after `JSON.parse`). */
export const decodeStatusValue = (value: unknown): DecodeResult => {
  if (!Predicate.isObject(value) || Array.isArray(value)) {
    return reject(
      "invalid_message",
      `expected a JSON object, got ${Array.isArray(value) ? "an array" : value === null ? "null" : typeof value}`,
    )
  }
  const exit = decodeWire(lowerCaseKeys(value as Record<string, unknown>))
  if (Exit.isFailure(exit)) return reject("invalid_message", describeTypeError(exit))
  const wire = exit.value

  const rawId = wire.request_id ?? wire.payload_id
  if (rawId == null) return reject("invalid_request_id", "missing request_id")
  const request_id = normalizeRequestId(clean(rawId))
  if (request_id === undefined) {
    return reject(
      "invalid_request_id",
      `invalid request_id ${JSON.stringify(rawId.slice(0, 100))}: expected 32 hex characters or a dashed UUID`,
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

/** Decodes one Kafka record value (raw bytes) into a status event or a rejection with its reason. */
export const decodeStatusMessage = (bytes: Uint8Array | string): DecodeResult => {
  let text: string
  if (typeof bytes === "string") {
    text = bytes
  } else {
    try {
      text = utf8.decode(bytes)
    } catch {
      return reject("invalid_json", "invalid UTF-8")
    }
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return reject("invalid_json", `invalid JSON: ${(error as Error).message}`)
  }
  return decodeStatusValue(value)
}
