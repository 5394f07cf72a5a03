import { assert, describe, it } from "@effect/vitest"
import { formatTimestamp, microsFromMillis } from "@pt/domain/Timestamp"
import { freshId } from "@pt/domain/testing/Fixtures"
import { statusRuleCases } from "@pt/domain/testing/StatusRuleCases"
import { HOUR_MS } from "@pt/domain/testing/TestDates"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import type { KafkaMessage } from "kafkajs"
import { decodeBatch, decodeRecords } from "../src/BatchDecoder.ts"

// A fetched batch turned into events and dead-letter candidates, without a broker: the records are built here.
const record = (value: Buffer | string | null, offset: number): KafkaMessage => ({
  key: null,
  value: typeof value === "string" ? Buffer.from(value) : value,
  timestamp: String(Date.now()),
  attributes: 0,
  offset: String(offset),
  headers: {},
})
const status = (over: Record<string, unknown> = {}) =>
  JSON.stringify({
    request_id: freshId(),
    service: "ingress",
    status: "received",
    date: formatTimestamp(microsFromMillis(Date.now() - HOUR_MS)),
    ...over,
  })

describe("decodeRecords", () => {
  it("splits a batch into decoded events (in record order) and rejected records (with their record)", () => {
    const now = microsFromMillis(Date.now())
    const messages = [
      record(status({ service: "Ingress" }), 0),
      record("{not json", 1),
      record(status({ status: "success" }), 2),
      record(status({ request_id: "-1" }), 3),
    ]
    const { events, rejected } = decodeRecords(messages, now)
    assert.deepStrictEqual(
      events.map((e) => [e.service, e.status]),
      [
        ["ingress", "received"],
        ["ingress", "success"],
      ],
    )
    assert.deepStrictEqual(
      rejected.map((r) => [r.message.offset, r.rejection.kind]),
      [
        ["1", "invalid_json"],
        ["3", "invalid_request_id"],
      ],
    )
    // The original record travels with its rejection: the dead letter carries its exact bytes.
    assert.strictEqual(rejected[0]!.message, messages[1])
  })

  it("rejects an empty or null record value (a tombstone) without parsing it", () => {
    const { events, rejected } = decodeRecords(
      [record(null, 0), record(Buffer.alloc(0), 1)],
      microsFromMillis(0),
    )
    assert.strictEqual(events.length, 0)
    assert.deepStrictEqual(
      rejected.map((r) => r.rejection),
      [
        { kind: "invalid_message", reason: "empty record value" },
        { kind: "invalid_message", reason: "empty record value" },
      ],
    )
  })

  it("judges the future rule at the given now: the same bytes pass a day later", () => {
    const nowMs = Date.now()
    const ahead = record(status({ date: formatTimestamp(microsFromMillis(nowMs + 25 * HOUR_MS)) }), 0)
    const early = decodeRecords([ahead], microsFromMillis(nowMs))
    assert.strictEqual(early.events.length, 0)
    assert.match(early.rejected[0]!.rejection.reason, /is more than 24 h in the future/)
    assert.strictEqual(decodeRecords([ahead], microsFromMillis(nowMs + 2 * HOUR_MS)).events.length, 1)
  })

  it("gives every shared status rule case the domain's verdict", () => {
    const nowMs = Date.now()
    const cases = statusRuleCases(nowMs)
    const { events, rejected } = decodeRecords(
      cases.map((c, i) => record(Buffer.from(c.bytes), i)),
      microsFromMillis(nowMs),
    )
    const rejectedAt = new Map(rejected.map((r) => [Number(r.message.offset), r.rejection]))
    assert.strictEqual(events.length, cases.filter((c) => c.verdict === "accepted").length)
    cases.forEach((c, i) => {
      const rejection = rejectedAt.get(i)
      if (c.verdict === "accepted") {
        assert.isUndefined(rejection, c.name)
        return
      }
      assert.strictEqual(rejection?.kind, c.verdict.kind, c.name)
      assert.match(rejection!.reason, c.verdict.reason, c.name)
    })
  })
})

describe("decodeBatch", () => {
  it.effect("reads now from the Clock", () =>
    Effect.gen(function* () {
      const nowMs = Date.now()
      const ahead = record(status({ date: formatTimestamp(microsFromMillis(nowMs + 25 * HOUR_MS)) }), 0)
      yield* TestClock.setTime(nowMs)
      assert.strictEqual((yield* decodeBatch([ahead])).rejected.length, 1)
      yield* TestClock.setTime(nowMs + 2 * HOUR_MS)
      assert.strictEqual((yield* decodeBatch([ahead])).events.length, 1)
    }),
  )
})
