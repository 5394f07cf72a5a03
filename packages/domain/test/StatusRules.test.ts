import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import {
  decodeStatusMessage,
  decodeStatusValue,
  decodeUtf8,
  MAX_FUTURE_MICROS,
  MAX_STATUS_BYTES,
  type Rejection,
  STATUS_DATE_RANGE,
} from "../src/StatusMessage.ts"
import { formatTimestamp, Micros, parseRfc3339, parseStatusDate } from "../src/Timestamp.ts"
import { statusRuleCases } from "../testing/StatusRuleCases.ts"

// The judgement of a status's bytes, shared by the Kafka consumer (decodeStatusMessage on the record value) and
// HTTP ingest (decodeStatusValue on each item). Dates derive from the clock, except the deliberate range edges.
const ID = "0123456789abcdef0123456789abcdef"
const NOW = Micros.make(Date.now() * 1000)
const HOUR = 3_600_000_000
const iso = (micros: number) => formatTimestamp(Micros.make(micros))
const status = (over: Record<string, unknown> = {}) => ({
  request_id: ID,
  service: "ingress",
  status: "received",
  date: iso(NOW - HOUR),
  ...over,
})
const bytesOf = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

/**
 * Both entry points, on the same status: they must agree, and the agreed verdict is returned. `now` null = no
 * clock (the static range only), for the literal dates at the edges of the range.
 */
const verdict = (value: Record<string, unknown>, now: Micros | null = NOW) => {
  const fromRecord = decodeStatusMessage(bytesOf(value), now ?? undefined)
  const fromItem = decodeStatusValue(value, now ?? undefined)
  assert.deepStrictEqual(fromRecord, fromItem)
  return fromRecord
}
const rejectedBytes = (bytes: Uint8Array): Rejection => {
  const r = decodeStatusMessage(bytes, NOW)
  if (Result.isSuccess(r)) throw new Error("accepted")
  return r.failure
}
const rejection = (value: Record<string, unknown>, now: Micros | null = NOW): Rejection => {
  const r = verdict(value, now)
  if (Result.isSuccess(r)) throw new Error(`accepted ${JSON.stringify(value).slice(0, 80)}`)
  return r.failure
}
const date = (value: Record<string, unknown>, now: Micros | null = NOW): number => {
  const r = verdict(value, now)
  if (Result.isFailure(r)) throw new Error(`rejected: ${r.failure.reason}`)
  return r.success.date
}

describe("one size limit for a record and an item", () => {
  // The JSON around status_msg, so a message can be sized to the byte.
  const overhead = JSON.stringify(status({ status_msg: "" })).length

  it("accepts a status of exactly MAX_STATUS_BYTES and refuses one byte more, counted in UTF-8", () => {
    const fits = status({ status_msg: "x".repeat(MAX_STATUS_BYTES - overhead) })
    assert.isTrue(Result.isSuccess(verdict(fits)))
    const over = rejection(status({ status_msg: "x".repeat(MAX_STATUS_BYTES - overhead + 1) }))
    assert.deepStrictEqual(over, {
      kind: "invalid_message",
      reason: `record too large: ${MAX_STATUS_BYTES + 1} bytes (limit ${MAX_STATUS_BYTES})`,
    })
    // "é" is 2 bytes in UTF-8, 1 UTF-16 unit: half as many characters reach the limit.
    const half = Math.floor((MAX_STATUS_BYTES - overhead) / 2)
    assert.isTrue(Result.isSuccess(verdict(status({ status_msg: "é".repeat(half) }))))
    assert.match(rejection(status({ status_msg: "é".repeat(half + 1) })).reason, /^record too large: /)
  })

  it("refuses a 300 KB status_msg both ways (the defect: HTTP stored it)", () => {
    assert.match(
      rejection(status({ status_msg: "x".repeat(300_000) })).reason,
      /^record too large: 300\d{3} bytes/,
    )
  })
})

describe("UTF-8", () => {
  it("invalid bytes are rejected, never replaced by U+FFFD", () => {
    const bad = Uint8Array.from([...new TextEncoder().encode('{"status_msg":"a'), 0xff, 0xfe, 0x22, 0x7d])
    assert.strictEqual(decodeUtf8(bad), undefined)
    assert.deepStrictEqual(rejectedBytes(bad), { kind: "invalid_json", reason: "invalid UTF-8" })
    assert.strictEqual(decodeUtf8(new TextEncoder().encode("é")), "é")
  })

  it("a lone surrogate escape becomes U+FFFD in the stored text, the same for every store", () => {
    const r = decodeStatusMessage(
      '{"request_id":"' +
        ID +
        '","service":"a","status":"b","status_msg":"x\\ud800",' +
        `"date":"${iso(NOW)}"}`,
    )
    assert.isTrue(Result.isSuccess(r) && r.success.status_msg === "x\uFFFD")
  })
})

describe("date range [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z)", () => {
  it("keeps exact microseconds at both edges", () => {
    for (const edge of [
      "2000-01-01T00:00:00Z",
      "2000-01-01T00:00:00.000001Z",
      "2099-12-31T23:59:59.999999Z",
    ]) {
      const micros = date(status({ date: edge }), null)
      assert.strictEqual(iso(micros), edge)
      assert.strictEqual(micros, parseStatusDate(edge))
    }
    assert.strictEqual(date(status({ date: "2000-01-01T00:00:00Z" }), null), STATUS_DATE_RANGE.from)
    assert.strictEqual(
      date(status({ date: "2099-12-31T23:59:59.999999Z" }), null),
      STATUS_DATE_RANGE.until - 1,
    )
  })

  it.each([
    "0001-01-01T00:00:00Z", // Go's zero time (was stored as 1901)
    "0099-12-31T23:59:59Z", // was stored as 1999
    "1970-01-01T00:00:00Z",
    "1999-12-31T23:59:59.999999Z",
    "2000-01-01T00:30:00+01:00", // 1999-12-31T23:30:00Z
    "2100-01-01T00:00:00Z",
    "9999-12-31T23:59:59.999999Z", // was served as "+010000-…"
  ])("rejects %s with a reason naming the range", (text) => {
    assert.deepStrictEqual(rejection(status({ date: text }), null), {
      kind: "invalid_message",
      reason: `date "${text}" is outside the accepted range [2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z)`,
    })
  })
})

describe("future rule: at most 24 h after the decoding clock", () => {
  it("accepts up to now + 24 h and rejects anything later, against the given now", () => {
    assert.strictEqual(date(status({ date: iso(NOW + MAX_FUTURE_MICROS) })), NOW + MAX_FUTURE_MICROS)
    const late = iso(NOW + MAX_FUTURE_MICROS + 1)
    assert.deepStrictEqual(rejection(status({ date: late }), NOW), {
      kind: "invalid_message",
      reason: `date "${late}" is more than 24 h in the future (now ${iso(NOW)})`,
    })
    // The rule follows the clock it is given: the same date is fine a day later.
    assert.isTrue(Result.isSuccess(verdict(status({ date: late }), Micros.make(NOW + HOUR))))
    // A year ahead, still inside the static range.
    const nextYear = iso(NOW + 365 * 24 * HOUR)
    assert.match(rejection(status({ date: nextYear }), NOW).reason, /is more than 24 h in the future/)
  })

  it("judges the UTC instant, whatever zone the producer wrote", () => {
    // Local wall time in a zone east of UTC, e.g. 2026-…T15:00:00+05:00 for 10:00Z.
    const inZone = (micros: number, hours: number) =>
      `${new Date(micros / 1000 + hours * 3_600_000).toISOString().slice(0, 19)}+${String(hours).padStart(2, "0")}:00`
    // 23 h ahead in UTC, though the wall clock reads 28 h ahead: accepted.
    assert.strictEqual(
      date(status({ date: inZone(NOW - (NOW % 1_000_000) + 23 * HOUR, 5) })),
      NOW - (NOW % 1_000_000) + 23 * HOUR,
    )
    // 25 h ahead in UTC: rejected in any zone.
    assert.match(
      rejection(status({ date: inZone(NOW + 25 * HOUR, 5) }), NOW).reason,
      /more than 24 h in the future/,
    )
  })
})

describe("request ids that are not strings", () => {
  it.each([12345, 1.5, true, { id: ID }, [ID]])("request_id %j is an invalid id", (id) => {
    const f = rejection(status({ request_id: id }))
    assert.strictEqual(f.kind, "invalid_request_id")
    assert.match(
      f.reason,
      /^invalid request_id .*: expected 32 hex characters or a dashed UUID, as a string$/,
    )
  })

  it("a numeric legacy payload_id too, and a numeric request_id is not rescued by payload_id", () => {
    const { request_id: _, ...rest } = status()
    assert.strictEqual(rejection({ ...rest, payload_id: 7 }).kind, "invalid_request_id")
    assert.strictEqual(rejection(status({ request_id: 12345, payload_id: ID })).kind, "invalid_request_id")
    assert.strictEqual(
      rejection(status({ request_id: 12345 })).reason.slice(0, 24),
      "invalid request_id 12345",
    )
  })
})

describe("timestamps of every year", () => {
  it.each(["0001-01-01T00:00:00Z", "0099-12-31T23:59:59Z", "0000-02-29T12:00:00Z"])(
    "parses %s in its own year, not 19xx",
    (text) => {
      const micros = parseStatusDate(text)!
      assert.strictEqual(new Date(Math.floor(micros / 1000)).getUTCFullYear(), Number(text.slice(0, 4)))
      assert.strictEqual(formatTimestamp(micros), text)
    },
  )

  it("API filters accept years 0000-9999 and clamp to instants every notation can write", () => {
    assert.strictEqual(formatTimestamp(parseRfc3339("0050-06-01T12:00:00Z")!), "0050-06-01T12:00:00Z")
    assert.strictEqual(formatTimestamp(parseRfc3339("0000-01-01T00:00:00Z")!), "0001-01-01T00:00:00Z")
    for (const last of ["9999-12-31T23:59:59.999999Z", "9999-12-31T23:00:00-05:00"])
      assert.match(formatTimestamp(parseRfc3339(last)!), /^9999-12-31T23:59:59\.9999\d+Z$/)
    assert.strictEqual(parseRfc3339("2099-12-31T23:59:59.999999Z"), STATUS_DATE_RANGE.until - 1)
  })
})

describe("the shared cases (also run over real HTTP and a real broker)", () => {
  it.each(statusRuleCases(Date.now()))("$name", ({ bytes, verdict }) => {
    const now = Micros.make(Date.now() * 1000)
    const fromRecord = decodeStatusMessage(bytes, now)
    const text = decodeUtf8(bytes)
    // Invalid UTF-8 never becomes an HTTP item: the body is refused with a 400 before items exist.
    if (text !== undefined) assert.deepStrictEqual(decodeStatusValue(JSON.parse(text), now), fromRecord)
    if (verdict === "accepted") assert.isTrue(Result.isSuccess(fromRecord))
    else {
      const f = Result.isFailure(fromRecord) ? fromRecord.failure : undefined
      assert.strictEqual(f?.kind, verdict.kind)
      assert.match(f?.reason ?? "", verdict.reason)
    }
  })
})
