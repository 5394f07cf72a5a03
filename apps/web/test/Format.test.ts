import { Micros } from "@pt/domain/Timestamp"
import { describe, expect, it } from "vitest"
import { parseDuration, readableDuration } from "../src/lib/Format.ts"

describe("readableDuration", () => {
  it.each([
    [0, "0 s"],
    [7, "7 µs"],
    [999, "999 µs"],
    [12_345, "12.3 ms"],
    [601_000, "601 ms"],
    [5_625_000, "5.63 s"],
    [16_196_000, "16.2 s"],
    [125_000_000, "2 min 5 s"],
    [120_000_000, "2 min"],
    [97_380_000_001, "27 h 3 min"],
  ])("%d µs reads as %s", (micros, text) => {
    expect(readableDuration(Micros.make(micros))).toBe(text)
  })
})

describe("parseDuration", () => {
  it("reads the API's HH:MM:SS.ffffff, hours never wrapped into days", () => {
    expect(parseDuration("00:00:05.625000")).toBe(5_625_000)
    expect(parseDuration("27:03:00.000001")).toBe(97_380_000_001)
    expect(parseDuration("5.625")).toBeUndefined()
  })
})
