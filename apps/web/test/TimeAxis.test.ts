import { Micros } from "@pt/domain/Timestamp"
import { describe, expect, it } from "vitest"
import { axisUnit, timeAxis } from "../src/track/TimeAxis.ts"

const labels = (span: number) => timeAxis(Micros.make(span)).ticks.map((t) => t.label)

describe("timeAxis", () => {
  it("chooses the unit by the whole span", () => {
    expect(axisUnit(Micros.make(800_000))).toBe("ms")
    expect(axisUnit(Micros.make(14_500_000))).toBe("s")
    expect(axisUnit(Micros.make(5 * 60_000_000))).toBe("min")
    expect(axisUnit(Micros.make(30 * 3_600_000_000))).toBe("h")
  })

  it("puts ticks at nice steps from the first status, never past the span", () => {
    expect(labels(14_500_000)).toEqual(["0 s", "2 s", "4 s", "6 s", "8 s", "10 s", "12 s", "14 s"])
    expect(labels(1_500_000)).toEqual(["0 s", "0.2 s", "0.4 s", "0.6 s", "0.8 s", "1 s", "1.2 s", "1.4 s"])
    expect(labels(800_000)).toEqual([
      "0 ms",
      "100 ms",
      "200 ms",
      "300 ms",
      "400 ms",
      "500 ms",
      "600 ms",
      "700 ms",
      "800 ms",
    ])
    expect(labels(110 * 60_000_000)).toEqual([
      "0 min",
      "15 min",
      "30 min",
      "45 min",
      "60 min",
      "75 min",
      "90 min",
      "105 min",
    ])
    expect(labels(72 * 3_600_000_000)).toEqual(["0 h", "12 h", "24 h", "36 h", "48 h", "60 h", "72 h"])
    expect(labels(500)).toEqual(["0 ms", "0.1 ms", "0.2 ms", "0.3 ms", "0.4 ms", "0.5 ms"])
  })

  it("places ticks in percent of the span, the last one at the end when the span is a whole step", () => {
    const axis = timeAxis(Micros.make(72 * 3_600_000_000))
    expect(axis.ticks[0]!.percent).toBe(0)
    expect(axis.ticks.at(-1)!.percent).toBeCloseTo(100)
    expect(timeAxis(Micros.make(14_500_000)).ticks.at(-1)!.percent).toBeCloseTo((14 / 14.5) * 100)
  })

  it("has a single 0 tick when every status has the same time", () => {
    expect(timeAxis(Micros.make(0)).ticks).toEqual([{ offset: 0, percent: 0, label: "0 ms" }])
  })
})
