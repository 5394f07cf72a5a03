import { Micros } from "@pt/domain/Timestamp"
import { describe, expect, it } from "vitest"
import { Rng } from "../src/Random.ts"
import { Timeline, uploadStart, VirtualTraffic } from "../src/Schedule.ts"
import type { Trace, TraceRecord } from "../src/Trace.ts"
import { Traffic } from "../src/Traffic.ts"

const rec = (at: number, tag: string): TraceRecord => ({ at: Micros.make(at), value: tag })
const trace = (...records: Array<TraceRecord>): Trace => ({
  upload: { requestId: "x" } as Trace["upload"],
  scenario: "A",
  records,
})
const tags = (records: ReadonlyArray<TraceRecord>) => records.map((r) => r.value)

describe("Timeline", () => {
  it("merges overlapping traces in send order, ties in insertion order", () => {
    const t = new Timeline()
    t.push(trace(rec(10, "a1"), rec(30, "a2"), rec(50, "a3")))
    t.push(trace(rec(20, "b1"), rec(30, "b2"), rec(40, "b3")))
    t.pushRecords([rec(0, "c1"), rec(30, "c2")])
    expect(t.size).toBe(8)
    expect(t.peekAt()).toBe(0)
    expect(tags(t.pop(100))).toEqual(["c1", "a1", "b1", "a2", "b2", "c2", "b3", "a3"])
    expect(t.size).toBe(0)
    expect(t.peekAt()).toBeUndefined()
  })

  it("popDue returns only what is due, at most `max`", () => {
    const t = new Timeline()
    t.push(trace(rec(5, "a"), rec(15, "b"), rec(25, "c"), rec(35, "d")))
    expect(tags(t.popDue(Micros.make(4)))).toEqual([])
    expect(tags(t.popDue(Micros.make(25), 1))).toEqual(["a"])
    expect(tags(t.popDue(Micros.make(25)))).toEqual(["b", "c"])
    expect(t.peekAt()).toBe(35)
  })

  it("stays ordered through many random inserts and removals", () => {
    const rng = new Rng(42)
    const t = new Timeline()
    const out: Array<number> = []
    for (let round = 0; round < 50; round++) {
      const base = round * 100
      t.pushRecords(Array.from({ length: 40 }, () => rec(base + rng.int(0, 1_000), "")))
      out.push(...t.popDue(Micros.make(base + 50)).map((r) => r.at))
    }
    const rest = t.pop(Number.POSITIVE_INFINITY).map((r) => r.at)
    expect(out.length + rest.length).toBe(2_000)
    expect(rest).toEqual([...rest].sort((a, b) => a - b))
  })
})

describe("uploadStart", () => {
  it("spaces uploads evenly with at most ±20 % jitter of the interval", () => {
    expect(uploadStart(Micros.make(1_000_000), 0, 10, 0.5)).toBe(1_000_000)
    expect(uploadStart(Micros.make(1_000_000), 3, 10, 0.5)).toBe(1_300_000)
    expect(uploadStart(Micros.make(0), 1, 10, 0)).toBe(80_000)
    expect(uploadStart(Micros.make(0), 1, 10, 1)).toBe(120_000)
  })
})

describe("VirtualTraffic", () => {
  it("pulls exactly n records in send order from uploads started at the given rate", () => {
    const traffic = new Traffic(new Rng(5), {
      mix: { A: 1, B: 1, C: 1, D: 1, E: 1, F: 1, G: 1, H: 0 },
      trace: { duplicateRate: 0, swapRate: 0, retryRate: 0, skewMs: 0 },
      noiseRate: 0,
    })
    const starts: Array<number> = []
    const virtual = new VirtualTraffic(
      (t0) => {
        starts.push(t0)
        return traffic.next(t0)
      },
      Micros.make(1_000_000),
      20,
    )
    const first = virtual.pull(100)
    const second = virtual.pull(250)
    expect(first).toHaveLength(100)
    expect(second).toHaveLength(250)
    const ats = [...first, ...second].map((r) => r.at)
    expect(ats).toEqual([...ats].sort((a, b) => a - b))
    // Uploads start every 50 ms of virtual time; one starts before any record due after its start.
    expect(starts.slice(0, 4)).toEqual([1_000_000, 1_050_000, 1_100_000, 1_150_000])
    expect(virtual.uploads).toBe(starts.length)
    expect(starts.at(-1)!).toBeGreaterThanOrEqual(ats.at(-1)! - 50_000)
    // Payloads overlap: records of several request ids interleave.
    const ids = second.slice(0, 40).map((r) => (r.value as { request_id: string }).request_id)
    expect(new Set(ids).size).toBeGreaterThan(3)
  })
})
