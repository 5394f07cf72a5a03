import { assert, describe, it } from "@effect/vitest"
import fc from "fast-check"
import { payloadLifecycle } from "../src/Lifecycle.ts"
import {
  compareText,
  mergeServiceSummary,
  mergeSummary,
  type SummaryStatus,
  statusSummary,
  summarize,
  summaryLifecycle,
  summaryOutcome,
} from "../src/Summary.ts"
import { Micros } from "../src/Timestamp.ts"

const HOUR = 3_600_000_000
// Few services, words and dates, so ties (same date, same word) and every kind of word are frequent.
const status: fc.Arbitrary<SummaryStatus> = fc.record({
  service: fc.constantFrom("ingress", "puptoo", "storage-broker", "hbi"),
  status: fc.constantFrom("received", "processing", "success", "error", "failed", "successful", "validated"),
  status_msg: fc.constantFrom("", "ok", "bad tarball", "\u{1F600}", "\uFFFD"),
  date: fc.integer({ min: 0, max: 20 }).map((n) => Micros.make(1_700_000_000_000_000 + n * 1_000_000)),
})
const statuses = fc.array(status, { minLength: 1, maxLength: 30 })
const at = fc.integer({ min: 0, max: 3 }).map((h) => ({
  now: Micros.make(1_700_000_000_000_000 + 20_000_000 + h * HOUR),
  stalledAfter: Micros.make(HOUR),
}))

/** A shuffle with duplicates: `picks` index into the list, then the list itself so nothing is lost. */
const redelivered = (list: ReadonlyArray<SummaryStatus>, picks: ReadonlyArray<number>) => [
  ...picks.map((i) => list[i % list.length]!),
  ...list,
]

describe("payload summary", () => {
  it("derives the same lifecycle as payloadLifecycle from the statuses", () =>
    fc.assert(
      fc.property(statuses, at, (list, options) => {
        assert.deepStrictEqual(summaryLifecycle(summarize(list)!, options), payloadLifecycle(list, options))
        assert.strictEqual(
          summaryOutcome(summarize(list)!, options),
          payloadLifecycle(list, options)!.outcome,
        )
      }),
      { numRuns: 500 },
    ))

  it("is order-insensitive and idempotent: any shuffle, duplicates and batch split give the same summary", () =>
    fc.assert(
      fc.property(
        statuses,
        fc.array(fc.nat(), { maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        (list, picks, batches, keys) => {
          const delivered = redelivered(list, picks)
          const order = delivered.map((s) => ({ s, k: keys.next().value as number }))
          order.sort((a, b) => a.k - b.k)
          const shuffled = order.map((o) => o.s)
          // Split into batches, summarise each, merge the batch summaries in reverse.
          const size = Math.ceil(shuffled.length / batches)
          const parts = []
          for (let i = 0; i < shuffled.length; i += size) parts.push(summarize(shuffled.slice(i, i + size))!)
          const merged = parts.reverse().reduce((a, b) => mergeSummary(a, b))
          assert.deepStrictEqual(merged, summarize(list))
          assert.deepStrictEqual(summarize(shuffled), summarize(list))
        },
      ),
      { numRuns: 300 },
    ))

  it("merges services commutatively, associatively and idempotently", () =>
    fc.assert(
      fc.property(status, status, status, (x, y, z) => {
        const [a, b, c] = [statusSummary(x), statusSummary(y), statusSummary(z)]
        assert.deepStrictEqual(mergeServiceSummary(a, b), mergeServiceSummary(b, a))
        assert.deepStrictEqual(
          mergeServiceSummary(mergeServiceSummary(a, b), c),
          mergeServiceSummary(a, mergeServiceSummary(b, c)),
        )
        assert.deepStrictEqual(mergeServiceSummary(a, a), a)
      }),
    ))

  it("keeps the first error and the last status, ties broken by the text", () => {
    const d = 1_700_000_000_000_000
    const summary = summarize([
      { service: "puptoo", status: "received", status_msg: "", date: Micros.make(d) },
      { service: "puptoo", status: "failed", status_msg: "b", date: Micros.make(d + 2) },
      { service: "puptoo", status: "error", status_msg: "z", date: Micros.make(d + 2) },
      { service: "storage-broker", status: "success", status_msg: "", date: Micros.make(d + 5) },
      { service: "ingress", status: "success", status_msg: "", date: Micros.make(d + 5) },
    ])!
    assert.deepStrictEqual(summary.firstError, {
      service: "puptoo",
      status: "error",
      status_msg: "z",
      date: d + 2,
    })
    assert.deepStrictEqual(summary.lastStatus, {
      service: "storage-broker",
      status: "success",
      status_msg: "",
      date: d + 5,
    })
    assert.deepStrictEqual(summary.services.puptoo!.lastStatus, {
      status: "failed",
      status_msg: "b",
      date: d + 2,
    })
    assert.strictEqual(summarize([]), undefined)
  })

  it("orders text by code point, like PostgreSQL's C collation", () => {
    // U+1F600 (a surrogate pair in UTF-16) sorts after U+FFFD by code point, before it by code unit.
    assert.isTrue(compareText("\u{1F600}", "\uFFFD") > 0)
    assert.isTrue(compareText("a", "ab") < 0)
    assert.isTrue(compareText("b", "a") > 0)
    assert.strictEqual(compareText("x", "x"), 0)
  })
})
