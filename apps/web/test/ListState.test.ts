import { testDay } from "@pt/domain/testing/TestDates"
import { describe, expect, it } from "vitest"
import {
  type ListSpec,
  listStateToApiParams,
  listStateToParams,
  parseListState,
  updateListState,
} from "../src/lib/ListState.ts"

// Fixture dates derive from the clock (see TestDates.ts): a fixed day goes stale.
const DAY = testDay()

const SPEC: ListSpec = {
  filters: ["account", "org_id"],
  sortFields: ["account", "created_at"],
  defaultSort: "created_at",
  timeField: "created_at",
}
const parse = (query: string) => parseListState(new URLSearchParams(query), SPEC)

describe("parseListState", () => {
  it("gives the defaults for an empty URL", () => {
    expect(parse("")).toEqual({
      filters: {},
      page: 1,
      pageSize: 10,
      sortBy: "created_at",
      sortDir: "desc",
      range: { kind: "all" },
    })
  })

  it("reads filters, a 1-based page, page size, sort and range", () => {
    const state = parse(
      "account=42&org_id=7&page=3&page_size=50&sort_by=account&sort_dir=asc&range=1h&other=x",
    )
    expect(state).toEqual({
      filters: { account: "42", org_id: "7" },
      page: 3,
      pageSize: 50,
      sortBy: "account",
      sortDir: "asc",
      range: { kind: "quick", key: "1h" },
    })
  })

  it("falls back to defaults for values a hand-edited link may carry", () => {
    const state = parse("page=0&page_size=37&sort_by=request_id&sort_dir=up&range=5y&account=%20%20")
    expect(state).toMatchObject({ filters: {}, page: 1, pageSize: 10, sortBy: "created_at", sortDir: "desc" })
    expect(state.range).toEqual({ kind: "all" })
    expect(parse("page=-2").page).toBe(1)
    expect(parse("page=2.5").page).toBe(1)
  })

  it("reads an absolute range from the API's own parameter names", () => {
    expect(parse(`created_at_gte=${DAY}T10:00:00Z`).range).toEqual({
      kind: "absolute",
      from: `${DAY}T10:00:00Z`,
      to: "",
    })
    expect(parse("created_at_gte=yesterday").range).toEqual({ kind: "all" })
  })
})

describe("URL round trip", () => {
  it("omits defaults and reproduces the same state", () => {
    const query = "account=42&range=15m&sort_by=account&sort_dir=asc&page_size=20&page=4"
    const state = parse(query)
    expect(listStateToParams(state, SPEC).toString()).toBe(query)
    expect(listStateToParams(parse(""), SPEC).toString()).toBe("")
  })
})

describe("listStateToApiParams", () => {
  it("sends a 0-based page and resolves a quick range against now", () => {
    const now = Date.parse(`${DAY}T12:00:00Z`)
    const params = listStateToApiParams(parse("account=42&page=3&page_size=20&range=1h"), SPEC, now)
    expect(Object.fromEntries(params)).toEqual({
      account: "42",
      created_at_gte: `${DAY}T11:00:00.000Z`,
      sort_by: "created_at",
      sort_dir: "desc",
      page: "2",
      page_size: "20",
    })
  })

  it("passes an absolute range through unchanged", () => {
    const state = parse(`created_at_gte=${DAY}T10:00:00Z&created_at_lte=${DAY}T11:00:00%2B01:00`)
    const params = listStateToApiParams(state, SPEC, 0)
    expect(params.get("created_at_gte")).toBe(`${DAY}T10:00:00Z`)
    expect(params.get("created_at_lte")).toBe(`${DAY}T11:00:00+01:00`)
  })
})

describe("updateListState", () => {
  it("goes back to page 1 on any change of filters, sort, size or range", () => {
    const state = parse("page=5")
    expect(updateListState(state, { filters: { account: "1" } }).page).toBe(1)
    expect(updateListState(state, { sortDir: "asc" }).page).toBe(1)
  })
})
