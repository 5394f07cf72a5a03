import { Micros } from "@pt/domain/Timestamp"
import { testDay } from "@pt/domain/testing/TestDates"
import { describe, expect, it } from "vitest"
import type { HistoryStatus } from "../src/api/ApiTypes.ts"
import { durationBars, identity, lanes, lifecycle, toTrackStatuses } from "../src/track/TrackModel.ts"

// Fixture dates derive from the clock (see TestDates.ts): a fixed day goes stale.
const DAY = testDay()

// The worked example of docs/status-messages.md (all service puptoo).
const HISTORY: ReadonlyArray<HistoryStatus> = [
  { service: "puptoo", status: "received", date: `${DAY}T07:45:26.371Z`, account: "1" },
  { service: "puptoo", source: "inventory", status: "processing", date: `${DAY}T07:45:33.35Z` },
  { service: "puptoo", status: "processing", date: `${DAY}T07:45:36.341Z`, org_id: "9" },
  { service: "puptoo", source: "inventory", status: "success", date: `${DAY}T07:45:38.975Z` },
  {
    service: "puptoo",
    source: "engine",
    status: "error",
    status_msg: "boom",
    date: `${DAY}T07:45:39.374Z`,
  },
  { service: "puptoo", source: "engine", status: "success", date: `${DAY}T07:45:39.975Z`, account: "2" },
]

describe("TrackModel", () => {
  const statuses = toTrackStatuses(HISTORY)

  it("groups statuses into one lane per service:source ordered by first status", () => {
    const result = lanes(statuses)
    expect(result.map((l) => l.key)).toEqual(["puptoo", "puptoo:inventory", "puptoo:engine"])
    expect(result[1]!.last - result[1]!.first).toBe(5_625_000)
    expect(result[2]!.statuses.map((s) => s.kind)).toEqual(["error", "success"])
  })

  it("computes the outcome with the domain's rules: an error anywhere fails the payload", () => {
    const now = Date.parse(`${DAY}T08:00:00Z`) * 1000
    expect(lifecycle(statuses, Micros.make(now))?.outcome).toBe("error")
    const ok = toTrackStatuses([
      { service: "ingress", status: "received", date: `${DAY}T07:00:00Z` },
      { service: "ingress", status: "success", date: `${DAY}T07:00:01Z` },
    ])
    expect(lifecycle(ok, Micros.make(now))?.outcome).toBe("success")
    const open = toTrackStatuses([{ service: "ingress", status: "received", date: `${DAY}T07:59:00Z` }])
    expect(lifecycle(open, Micros.make(now))?.outcome).toBe("in_progress")
    expect(lifecycle(open, Micros.make(now + 2 * 3_600_000_000))?.outcome).toBe("stalled")
  })

  it("turns the API's duration map into bars in microseconds, totals left out", () => {
    const bars = durationBars({
      "puptoo:inventory": "00:00:05.625000",
      "puptoo:undefined": "00:00:09.970000",
      total_time: "00:00:13.604000",
      total_time_in_services: "00:00:16.196000",
    })
    expect(bars).toEqual([
      { key: "puptoo:undefined", label: "puptoo", micros: 9_970_000, text: "00:00:09.970000" },
      { key: "puptoo:inventory", label: "puptoo:inventory", micros: 5_625_000, text: "00:00:05.625000" },
    ])
  })

  it("takes the latest non-empty account and org_id", () => {
    expect(identity(HISTORY)).toEqual({ account: "2", org_id: "9", inventory_id: "", system_id: "" })
  })
})
