import { DAY_MS, testDay } from "@pt/domain/testing/TestDates"
import { describe, expect, it } from "vitest"
import {
  describeTimeRange,
  localInputToRfc3339,
  QUICK_RANGES,
  rfc3339ToLocalInput,
  timeRangeBounds,
  timeRangeParams,
} from "../src/lib/TimeRange.ts"

// Fixture dates derive from the clock (see TestDates.ts): a fixed day goes stale.
const DAY = testDay()

describe("time ranges", () => {
  it("offers the quick picks of the existing UI", () => {
    expect(QUICK_RANGES.map((r) => r.key)).toEqual(["15m", "1h", "3h", "6h", "12h", "24h", "2d"])
  })

  it("resolves each quick pick to a lower bound on the list's time field", () => {
    const now = Date.parse(`${DAY}T12:00:00Z`)
    expect(timeRangeBounds({ kind: "quick", key: "2d" }, "date", now)).toEqual([
      ["date_gte", new Date(now - 2 * DAY_MS).toISOString()],
    ])
    expect(timeRangeBounds({ kind: "quick", key: "15m" }, "date", now)).toEqual([
      ["date_gte", `${DAY}T11:45:00.000Z`],
    ])
    expect(timeRangeBounds({ kind: "all" }, "date", now)).toEqual([])
  })

  it("keeps a quick pick symbolic in the URL so a shared link stays relative", () => {
    expect(timeRangeParams({ kind: "quick", key: "6h" }, "created_at")).toEqual([["range", "6h"]])
    expect(timeRangeParams({ kind: "absolute", from: "", to: `${DAY}T10:00:00Z` }, "date")).toEqual([
      ["date_lte", `${DAY}T10:00:00Z`],
    ])
  })

  it("converts datetime-local input to RFC 3339 and back", () => {
    const rfc = localInputToRfc3339(`${DAY}T10:05`)
    expect(rfc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:05:00\.000Z$/)
    expect(rfc3339ToLocalInput(rfc)).toBe(`${DAY}T10:05`)
    expect(localInputToRfc3339("")).toBe("")
    expect(localInputToRfc3339("nonsense")).toBe("")
  })

  it("describes the choice for the page header", () => {
    expect(describeTimeRange({ kind: "quick", key: "24h" })).toBe("Last 24 hours")
    expect(describeTimeRange({ kind: "absolute", from: "a", to: "" })).toBe("a to now")
  })
})
