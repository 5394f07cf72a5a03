import { describe, expect, it } from "vitest"
import {
  approximate,
  bucketValue,
  DURATION_BOUNDS,
  durationBucket,
  histogramPercentiles,
  percentileDisc,
} from "../src/Analytics.ts"
import { Micros } from "../src/Timestamp.ts"

describe("duration histogram", () => {
  it("reports every duration within 5 % of itself, and values below 20 µs exactly", () => {
    for (let v = 1; v < 1e12; v = Math.floor(v * 1.013) + 1) {
      const reported = approximate(v)
      expect(Math.abs(reported - v) / v, `value ${v}`).toBeLessThanOrEqual(0.05)
      if (v < 20) expect(reported).toBe(v)
    }
    // 0 µs shares bucket 0 with 1 µs.
    expect(approximate(0)).toBe(1)
  })

  it("puts each value in the bucket whose bounds hold it", () => {
    for (const [i, lo] of DURATION_BOUNDS.entries()) {
      expect(durationBucket(lo)).toBe(i)
      if (i > 0) expect(durationBucket(lo - 1)).toBe(i - 1)
      expect(bucketValue(i)).toBeGreaterThanOrEqual(lo)
    }
  })

  it("gives a histogram's percentiles as the buckets of percentile_disc", () => {
    const values = Array.from({ length: 997 }, (_, i) => Micros.make(Math.floor(1000 * 1.01 ** i)))
    const counts = new Map<number, number>()
    for (const v of values) counts.set(durationBucket(v), (counts.get(durationBucket(v)) ?? 0) + 1)
    const sorted = [...values].sort((a, b) => a - b)
    expect(histogramPercentiles(counts)).toEqual({
      p50: approximate(percentileDisc(sorted, 0.5)),
      p95: approximate(percentileDisc(sorted, 0.95)),
      p99: approximate(percentileDisc(sorted, 0.99)),
    })
    expect(histogramPercentiles(new Map())).toBeUndefined()
  })
})
