import { assert, describe, it } from "@effect/vitest"
import { Result } from "effect"
import * as fc from "fast-check"
import { decodeStatusMessage, decodeStatusValue } from "../src/StatusMessage.ts"
import { formatTimestamp, Micros, parseStatusDate } from "../src/Timestamp.ts"

const ID = "0123456789abcdef0123456789abcdef"
const valid = { request_id: ID, service: "ingress", status: "received", date: "2026-11-23T10:00:00Z" }

const ok = (input: unknown) => {
  const r = typeof input === "string" ? decodeStatusMessage(input) : decodeStatusValue(input)
  if (Result.isFailure(r)) throw new Error(`rejected: ${r.failure.reason}`)
  return r.success
}
const rejected = (input: unknown) => {
  const r = typeof input === "string" ? decodeStatusMessage(input) : decodeStatusValue(input)
  if (Result.isSuccess(r)) throw new Error("accepted")
  return r.failure
}

describe("decodeStatusMessage", () => {
  it("normalises a full message", () => {
    const e = ok(
      JSON.stringify({
        ...valid,
        request_id: ID.toUpperCase(),
        service: " Puptoo ",
        status: "SUCCESS",
        source: "Insights-Client",
        status_msg: "Message Sent",
        account: "000001",
        org_id: "123",
        inventory_id: "8b8e4a2c-9d1f-4f3e-b0a7-3c2d1e0f9a8b",
        system_id: "5c6d",
        extra: { ignored: true },
      }),
    )
    assert.deepStrictEqual(e, {
      request_id: ID,
      service: "puptoo",
      source: "insights-client",
      status: "success",
      status_msg: "Message Sent",
      date: Date.UTC(2026, 10, 23, 10) * 1000,
      account: "000001",
      org_id: "123",
      inventory_id: "8b8e4a2c-9d1f-4f3e-b0a7-3c2d1e0f9a8b",
      system_id: "5c6d",
    })
  })

  it("accepts bytes and rejects invalid UTF-8", () => {
    const bytes = decodeStatusMessage(new TextEncoder().encode(JSON.stringify(valid)))
    assert.isTrue(Result.isSuccess(bytes) && bytes.success.request_id === ID)
    const r = decodeStatusMessage(new Uint8Array([0x7b, 0xff, 0x7d]))
    assert.isTrue(
      Result.isFailure(r) && r.failure.kind === "invalid_json" && r.failure.reason === "invalid UTF-8",
    )
  })

  it("matches keys case-insensitively", () => {
    const e = ok({ REQUEST_ID: ID, Service: "x", STATUS: "received", Date: "2026-11-23T10:00:00Z" })
    assert.strictEqual(e.service, "x")
  })

  it("normalises dashed UUIDs and accepts the legacy payload_id alias", () => {
    assert.strictEqual(ok({ ...valid, request_id: "01234567-89AB-cdef-0123-456789abcdef" }).request_id, ID)
    const { request_id: _, ...rest } = valid
    assert.strictEqual(ok({ ...rest, payload_id: ID }).request_id, ID)
    // request_id wins over payload_id when both are present.
    assert.strictEqual(ok({ ...valid, payload_id: "f".repeat(32) }).request_id, ID)
  })

  it("treats null optional fields as absent and removes NUL characters", () => {
    const e = ok({ ...valid, account: null, inventory_id: null, status_msg: "a\u0000b", source: null })
    assert.deepStrictEqual([e.account, e.inventory_id, e.status_msg, e.source], ["", "", "ab", ""])
    assert.strictEqual(ok({ ...valid, service: "ing\u0000ress" }).service, "ingress")
  })

  it.each([
    ["2022-03-17T16:56:10Z", "2022-03-17T16:56:10Z"],
    ["2026-11-23T10:00:00.123456789Z", "2026-11-23T10:00:00.123456Z"],
    ["2026-11-23T10:00:00.1Z", "2026-11-23T10:00:00.1Z"],
    ["2026-11-23T12:00:00+02:00", "2026-11-23T10:00:00Z"],
    ["2026-11-23T05:30:00.5-04:30", "2026-11-23T10:00:00.5Z"],
    ["2026-11-23 10:00:00.050513", "2026-11-23T10:00:00.050513Z"],
    ["2019-06-14T08:36:30.050513", "2019-06-14T08:36:30.050513Z"],
    ["2026-11-23T10:00:00", "2026-11-23T10:00:00Z"],
  ])("accepts the date %s", (input, expected) => {
    assert.strictEqual(formatTimestamp(ok({ ...valid, date: input }).date), expected)
  })

  it.each([
    "2026-11-23",
    "1700000000",
    "2026-11-23T10:00:00+0200",
    "2026-02-30T10:00:00Z",
    "2026-11-23T24:00:00Z",
    "23/11/2026 10:00",
    "2026-11-23T10:00:00.Z",
    "2026-11-23T10:00:00.1234567890Z",
    "",
  ])("rejects the date %j", (input) => {
    const f = rejected({ ...valid, date: input })
    assert.strictEqual(f.kind, "invalid_message")
    assert.match(f.reason, /^invalid date/)
  })

  it.each([
    [{ ...valid, request_id: "-1" }, "invalid_request_id", /^invalid request_id "-1"/],
    [{ ...valid, request_id: "None" }, "invalid_request_id", /^invalid request_id/],
    [{ ...valid, request_id: "third-party" }, "invalid_request_id", /^invalid request_id/],
    [{ ...valid, request_id: "" }, "invalid_request_id", /^invalid request_id/],
    [{ ...valid, request_id: `${ID}0` }, "invalid_request_id", /^invalid request_id/],
    [
      { ...valid, request_id: "0123456789abcdef0123456789abcdeg" },
      "invalid_request_id",
      /^invalid request_id/,
    ],
    [{ ...valid, request_id: null }, "invalid_request_id", /^missing request_id$/],
    [
      { service: "a", status: "b", date: "2026-11-23T10:00:00Z" },
      "invalid_request_id",
      /^missing request_id$/,
    ],
    [{ ...valid, request_id: 42 }, "invalid_request_id", /^invalid request_id 42: .* as a string$/],
    [{ ...valid, service: "  " }, "invalid_message", /^missing service$/],
    [{ ...valid, service: null }, "invalid_message", /^missing service$/],
    [{ ...valid, status: "" }, "invalid_message", /^missing status$/],
    [{ ...valid, date: null }, "invalid_message", /^missing date$/],
    [{ ...valid, date: 1700000000 }, "invalid_message", /^field date must be a string or null$/],
    [{ ...valid, account: 7 }, "invalid_message", /^field account must be a string or null$/],
    [{ ...valid, status_msg: { a: 1 } }, "invalid_message", /^field status_msg must be a string or null$/],
    [[valid], "invalid_message", /^expected a JSON object, got an array$/],
    [null, "invalid_message", /^expected a JSON object, got null$/],
    [42, "invalid_message", /^expected a JSON object, got number$/],
  ] as const)("rejects %j", (input, kind, reason) => {
    const f = rejected(input)
    assert.strictEqual(f.kind, kind)
    assert.match(f.reason, reason)
  })

  it("rejects invalid JSON with the parser's reason", () => {
    const f = rejected("{not json")
    assert.strictEqual(f.kind, "invalid_json")
    assert.match(f.reason, /^invalid JSON: /)
    assert.strictEqual(rejected("[1,2]").reason, "expected a JSON object, got an array")
  })
})

describe("properties", () => {
  const hex32 = fc.stringMatching(/^[0-9a-fA-F]{32}$/)

  it("any 32-hex id, in any case or dashed, normalises to the same lower-case id", () =>
    fc.assert(
      fc.property(hex32, (id) => {
        const lower = id.toLowerCase()
        const dashed = `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`
        return (
          ok({ ...valid, request_id: id }).request_id === lower &&
          ok({ ...valid, request_id: dashed }).request_id === lower
        )
      }),
    ))

  it("any string that is not a (dashed) hex id is rejected as an invalid id", () =>
    fc.assert(
      fc.property(
        fc.string({ maxLength: 40 }).filter((s) => !/^\s*([0-9a-fA-F]{32}|[0-9a-fA-F-]{36})\s*$/.test(s)),
        (id) => rejected({ ...valid, request_id: id }).kind === "invalid_request_id",
      ),
    ))

  it("every instant round-trips through every accepted format at microsecond precision", () =>
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("1970-01-01T00:00:00Z"),
          max: new Date("2200-01-01T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.integer({ min: 0, max: 999 }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.constantFrom("T", " "),
        (date, extraMicros, offsetMinutes, sep) => {
          const micros = Micros.make(date.getTime() * 1000 + extraMicros)
          const iso = formatTimestamp(micros)
          // Render the same instant in a zone offset, with nanoseconds (truncated to micros on parse).
          const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23)
          const sign = offsetMinutes < 0 ? "-" : "+"
          const abs = Math.abs(offsetMinutes)
          const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`
          const withZone = `${local}${String(extraMicros).padStart(3, "0")}789${zone}`.replace("T", sep)
          const naive = formatTimestamp(micros).replace("Z", "").replace("T", sep)
          return (
            parseStatusDate(iso) === micros &&
            parseStatusDate(withZone) === micros &&
            parseStatusDate(naive) === micros
          )
        },
      ),
    ))
})
