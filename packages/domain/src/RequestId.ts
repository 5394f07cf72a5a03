import { Schema } from "effect"

/**
 * Payload ids as the platform uses them: 32 lower-case hex characters. A dashed UUID names the same payload
 * (inventory-mq-service strips dashes before reporting), so both normalise to the 32-hex form.
 */
const HEX32 = /^[0-9a-f]{32}$/
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/**
 * A payload id in its normal form (32 lower-case hex). Branded so that raw input never passes for an id: a value
 * becomes a RequestId through `normalizeRequestId` (wire and API input), row decoding, or `RequestId.make`.
 */
export const RequestId = Schema.String.pipe(
  Schema.check(Schema.isPattern(HEX32, { expected: "32 lower-case hex characters" })),
  Schema.brand("RequestId"),
)
export type RequestId = typeof RequestId.Type

/** The normalised 32-hex id, or `undefined` when `raw` is not a payload id. */
export const normalizeRequestId = (raw: string): RequestId | undefined => {
  const lower = raw.trim().toLowerCase()
  if (lower.length === 32) return HEX32.test(lower) ? RequestId.make(lower) : undefined
  if (lower.length === 36) return DASHED.test(lower) ? RequestId.make(lower.replaceAll("-", "")) : undefined
  return undefined
}
