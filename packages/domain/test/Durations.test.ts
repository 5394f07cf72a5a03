import { assert, describe, it } from "@effect/vitest"
import { durationMap, formatDuration } from "../src/Durations.ts"
import { Micros, parseStatusDate } from "../src/Timestamp.ts"
import { testDay } from "../testing/TestDates.ts"

// Fixture dates derive from the clock (see TestDates.ts): a fixed day goes stale.
const DAY = testDay()

const at = (time: string) => parseStatusDate(`${DAY}T${time}Z`)!

describe("duration map", () => {
  it("reproduces the worked example of docs/status-messages.md", () => {
    const statuses = [
      { service: "puptoo", source: "", date: at("07:45:26.371") },
      { service: "puptoo", source: "inventory", date: at("07:45:33.350") },
      { service: "puptoo", source: "", date: at("07:45:36.341") },
      { service: "puptoo", source: "inventory", date: at("07:45:38.975") },
      { service: "puptoo", source: "engine", date: at("07:45:39.374") },
      { service: "puptoo", source: "engine", date: at("07:45:39.975") },
    ]
    assert.deepStrictEqual(durationMap(statuses), {
      "puptoo:undefined": "00:00:09.970000",
      "puptoo:inventory": "00:00:05.625000",
      "puptoo:engine": "00:00:00.601000",
      total_time_in_services: "00:00:16.196000",
      total_time: "00:00:13.604000",
    })
  })

  it("is empty for no statuses and zero for one", () => {
    assert.deepStrictEqual(durationMap([]), {})
    assert.deepStrictEqual(durationMap([{ service: "a", source: "", date: Micros.make(5) }]), {
      "a:undefined": "00:00:00.000000",
      total_time_in_services: "00:00:00.000000",
      total_time: "00:00:00.000000",
    })
  })

  it.each([
    [5_625_000, "00:00:05.625000"],
    [(27 * 3600 + 3 * 60) * 1_000_000 + 1, "27:03:00.000001"],
    [0, "00:00:00.000000"],
    [150 * 3600 * 1_000_000, "150:00:00.000000"],
    [59_999_999, "00:00:59.999999"],
  ])("formats %d µs as %s", (micros, text) => {
    assert.strictEqual(formatDuration(Micros.make(micros)), text)
  })
})
