import { assert, describe, it } from "@effect/vitest"
import { payloadLifecycle } from "../src/Lifecycle.ts"
import { classifyStatus } from "../src/StatusVocabulary.ts"
import { Micros } from "../src/Timestamp.ts"

const HOUR = Micros.make(3_600_000_000)
const s = (service: string, status: string, seconds: number) => ({
  service,
  status,
  date: Micros.make(seconds * 1_000_000),
})
const outcome = (statuses: ReadonlyArray<ReturnType<typeof s>>, now = 100 * 1_000_000) =>
  payloadLifecycle(statuses, { now: Micros.make(now), stalledAfter: HOUR })?.outcome

describe("payload lifecycle", () => {
  it("classifies status words, legacy ones included", () => {
    assert.deepStrictEqual(
      [
        "received",
        "processing",
        "success",
        "successful",
        "processing_success",
        "error",
        "failure",
        "failed",
        "invalid",
        "rejected",
        "validated",
      ].map(classifyStatus),
      [
        "received",
        "progress",
        "success",
        "success",
        "success",
        "error",
        "error",
        "error",
        "error",
        "error",
        "progress",
      ],
    )
  })

  it("is success when every service that reported finished successfully", () => {
    assert.strictEqual(
      outcome([
        s("ingress", "received", 0),
        s("ingress", "success", 1),
        s("puptoo", "received", 2),
        s("puptoo", "success", 3),
      ]),
      "success",
    )
  })

  it("is error when any service failed, even if the last status is a success (scenario B)", () => {
    const b = [
      s("ingress", "received", 0),
      s("ingress", "success", 1),
      s("puptoo", "received", 2),
      s("puptoo", "error", 3),
      s("puptoo", "failed", 4),
      s("storage-broker", "received", 5),
      s("storage-broker", "received", 6),
      s("storage-broker", "success", 7),
    ]
    assert.strictEqual(outcome(b), "error")
  })

  it("is in progress while a service is open, and stalled once silent past the threshold", () => {
    const e = [s("ingress", "received", 0)]
    assert.strictEqual(outcome(e, 10 * 1_000_000), "in_progress")
    assert.strictEqual(outcome(e, HOUR + 1_000_001), "stalled")
    assert.strictEqual(
      outcome([s("ingress", "received", 0), s("ingress", "success", 1), s("puptoo", "received", 2)]),
      "in_progress",
    )
  })

  it("orders by date, not arrival, and reopens a stage on a later received", () => {
    assert.strictEqual(outcome([s("puptoo", "success", 3), s("puptoo", "received", 2)]), "success")
    assert.strictEqual(
      outcome([s("puptoo", "received", 1), s("puptoo", "success", 2), s("puptoo", "received", 3)]),
      "in_progress",
    )
  })

  it("measures each service from its first received to its last terminal status, and the total", () => {
    const l = payloadLifecycle(
      [
        s("ingress", "received", 0),
        s("ingress", "success", 2),
        s("puptoo", "processing", 3),
        s("puptoo", "received", 4),
        s("puptoo", "success", 9),
        s("hbi", "received", 10),
      ],
      { now: Micros.make(11 * 1_000_000), stalledAfter: HOUR },
    )!
    assert.deepStrictEqual(
      l.services.map((x): Array<unknown> => [x.service, x.state, x.elapsed]),
      [
        ["ingress", "success", 2_000_000],
        ["puptoo", "success", 5_000_000],
        ["hbi", "open", undefined],
      ],
    )
    assert.strictEqual(l.total, 10_000_000)
    assert.isUndefined(payloadLifecycle([], { now: Micros.make(0), stalledAfter: HOUR }))
  })
})
