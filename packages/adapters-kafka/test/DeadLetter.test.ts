import { assert, describe, it } from "@effect/vitest"
import type { KafkaMessage } from "kafkajs"
import { DeadLetterHeaders, toDeadLetter } from "../src/DeadLetter.ts"

// The dead-letter copy of a rejected record, without a broker: the records are built here.
const record = (over: Pick<Partial<KafkaMessage>, "value" | "headers"> = {}): KafkaMessage => ({
  key: null,
  value: Buffer.from("{not json"),
  timestamp: "1700000000000",
  attributes: 0,
  offset: "42",
  headers: {},
  ...over,
})

describe("toDeadLetter", () => {
  it("keeps the original bytes and adds the reason, its kind and the record's origin", () => {
    const message = record()
    const letter = toDeadLetter("platform.payload-status", 3, {
      message,
      rejection: { kind: "invalid_json", reason: "invalid JSON" },
    })
    assert.strictEqual(letter.value, message.value)
    assert.deepStrictEqual(letter.headers, {
      [DeadLetterHeaders.reason]: "invalid JSON",
      [DeadLetterHeaders.kind]: "invalid_json",
      [DeadLetterHeaders.topic]: "platform.payload-status",
      [DeadLetterHeaders.partition]: "3",
      [DeadLetterHeaders.offset]: "42",
      [DeadLetterHeaders.timestamp]: "1700000000000",
    })
    assert.deepStrictEqual(Object.values(DeadLetterHeaders), [
      "reason",
      "reason_kind",
      "source_topic",
      "source_partition",
      "source_offset",
      "source_timestamp",
    ])
  })

  it.each(["invalid_json", "invalid_request_id", "invalid_message"] as const)(
    "carries the kind %s",
    (kind) => {
      const letter = toDeadLetter("t", 0, { message: record(), rejection: { kind, reason: "r" } })
      assert.strictEqual(letter.headers?.[DeadLetterHeaders.kind], kind)
    },
  )

  it("truncates the reason to 1,000 characters", () => {
    const reason = "x".repeat(5_000)
    const letter = toDeadLetter("t", 0, { message: record(), rejection: { kind: "invalid_message", reason } })
    assert.strictEqual(letter.headers?.[DeadLetterHeaders.reason], "x".repeat(1_000))
  })

  it("keeps the producer's headers as text (first value of a repeated one), ours win on a clash", () => {
    const message = record({
      headers: {
        trace: Buffer.from("abc"),
        plain: "text",
        repeated: [Buffer.from("first"), Buffer.from("second")],
        missing: undefined,
        reason: "the producer's own",
      },
    })
    const letter = toDeadLetter("t", 1, { message, rejection: { kind: "invalid_json", reason: "ours" } })
    assert.strictEqual(letter.headers?.trace, "abc")
    assert.strictEqual(letter.headers?.plain, "text")
    assert.strictEqual(letter.headers?.repeated, "first")
    assert.isFalse("missing" in (letter.headers ?? {}))
    assert.strictEqual(letter.headers?.reason, "ours")
  })

  it("a tombstone (null value) becomes an empty value", () => {
    const letter = toDeadLetter("t", 0, {
      message: record({ value: null }),
      rejection: { kind: "invalid_message", reason: "empty record value" },
    })
    assert.strictEqual(letter.value, "")
  })
})
