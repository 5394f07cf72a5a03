import { testDay } from "@pt/domain/testing/TestDates"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { get, PAYLOAD_ITEM_KEYS, post, type RunningApi, startApi } from "../testing/TestServer.ts"

// Fixture dates derive from the clock (see TestDates.ts): a fixed day goes stale.
const DAY = testDay()

const ID = "0123456789abcdef0123456789abcdef"
const DASHED = "01234567-89ab-cdef-0123-456789abcdef"
const OTHER = "fedcba9876543210fedcba9876543210"
const day = `${DAY}T`

// The worked example of docs/status-messages.md (all service puptoo).
const worked = [
  { status: "received", source: undefined, date: "07:45:26.371" },
  { status: "processing", source: "inventory", date: "07:45:33.350" },
  { status: "processing", source: undefined, date: "07:45:36.341" },
  { status: "success", source: "inventory", date: "07:45:38.975" },
  { status: "received", source: "engine", date: "07:45:39.374" },
  { status: "success", source: "engine", date: "07:45:39.975" },
].map((s) => ({
  request_id: ID,
  service: "puptoo",
  account: "acc1",
  org_id: "org1",
  ...s,
  date: `${day}${s.date}Z`,
}))

describe("GET /payloads and /payloads/{request_id}", () => {
  let api: RunningApi
  beforeAll(async () => {
    api = await startApi()
    const other = {
      request_id: OTHER,
      service: "ingress",
      status: "received",
      date: `${day}06:00:00Z`,
      account: "acc2",
    }
    expect((await post(api.url, "/api/v1/statuses", JSON.stringify([...worked, other]))).status).toBe(202)
  })
  afterAll(() => api.close())

  it("lists payloads with count, elapsed and all seven keys in order", async () => {
    const r = await get(api.url, "/api/v1/payloads?sort_dir=asc")
    expect(r.status).toBe(200)
    const body = r.body as { count: number; elapsed: number; data: Array<Record<string, unknown>> }
    expect(Object.keys(body)).toEqual(["count", "elapsed", "data"])
    expect(body.count).toBe(2)
    expect(typeof body.elapsed).toBe("number")
    expect(Object.keys(body.data[0]!)).toEqual(PAYLOAD_ITEM_KEYS)
    expect(body.data.map((p) => p.request_id)).toEqual([OTHER, ID])
    expect(body.data[1]).toMatchObject({
      created_at: `${day}07:45:26.371Z`,
      inventory_id: "",
      org_id: "org1",
    })
  })

  it("filters, pages and counts", async () => {
    const byAccount = (await get(api.url, "/api/v1/payloads?account=acc1")).body as {
      count: number
      data: unknown[]
    }
    expect([byAccount.count, byAccount.data.length]).toEqual([1, 1])
    const byId = (await get(api.url, `/api/v1/payloads?request_id=${DASHED}`)).body as { count: number }
    expect(byId.count).toBe(1)
    const window = (
      await get(
        api.url,
        `/api/v1/payloads?created_at_gte=${day}07:00:00Z&created_at_lt=${day}08:00:00%2B00:00`,
      )
    ).body as { count: number }
    expect(window.count).toBe(1)
    const paged = (await get(api.url, "/api/v1/payloads?page=1&page_size=1")).body as {
      count: number
      data: unknown[]
    }
    expect([paged.count, paged.data.length]).toEqual([2, 1])
    const empty = (await get(api.url, "/api/v1/payloads?account=none")).body as {
      count: number
      data: unknown[]
    }
    expect(empty).toMatchObject({ count: 0, data: [] })
  })

  it.each([
    ["page=-1", "page must be a non-negative integer"],
    ["page=1.5", "page must be a non-negative integer"],
    ["page=x&page_size=5", "page must be a non-negative integer"],
    ["page_size=-1", "page_size must be an integer between 1 and 1000"],
    ["page_size=0", "page_size must be an integer between 1 and 1000"],
    ["page_size=1001", "page_size must be an integer between 1 and 1000"],
    ["sort_by=id", "sort_by must be one of account, org_id, inventory_id, system_id, created_at"],
    ["sort_dir=up", "sort_dir must be one of asc, desc"],
    [`created_at_lt=${DAY}`, "invalid timestamp format provided"],
    [`created_at_gte=${DAY}T10:00:00%2B0100`, "invalid timestamp format provided"],
    // validation order: integer params → sort_by → sort_dir → timestamps
    ["created_at_lt=x&sort_dir=x&sort_by=x&page_size=x", "page_size must be an integer between 1 and 1000"],
    [
      "created_at_lt=x&sort_dir=x&sort_by=x",
      "sort_by must be one of account, org_id, inventory_id, system_id, created_at",
    ],
    ["created_at_lt=x&sort_dir=x", "sort_dir must be one of asc, desc"],
  ])("/payloads?%s → 400 %s", async (query, message) => {
    for (const prefix of ["/api/v1", "/app/payload-tracker/api/v1"]) {
      const r = await get(api.url, `${prefix}/payloads?${query}`)
      expect([r.status, r.body]).toEqual([400, { title: "Bad Request", message, status: 400 }])
    }
  })

  it("returns a payload's statuses newest first with the duration map of the worked example", async () => {
    const r = await get(api.url, `/api/v1/payloads/${ID}`)
    expect(r.status).toBe(200)
    const body = r.body as { data: Array<Record<string, unknown>>; duration: Record<string, string> }
    expect(Object.keys(body)).toEqual(["data", "duration"])
    expect(body.duration).toEqual({
      "puptoo:undefined": "00:00:09.970000",
      "puptoo:inventory": "00:00:05.625000",
      "puptoo:engine": "00:00:00.601000",
      total_time_in_services: "00:00:16.196000",
      total_time: "00:00:13.604000",
    })
    // Dates print like Go's RFC3339Nano (trailing zeros trimmed): compare instants.
    const instants = (dates: Array<unknown>) => dates.map((d) => Date.parse(String(d)))
    expect(instants(body.data.map((s) => s.date))).toEqual(instants(worked.map((s) => s.date).reverse()))
    const withSource = body.data[0]!
    expect(Object.keys(withSource)).toEqual([
      "id",
      "service",
      "source",
      "account",
      "org_id",
      "request_id",
      "created_at",
      "status",
      "date",
    ])
    expect(Object.keys(body.data.find((s) => s.source === undefined)!)).not.toContain("source")
  })

  it("finds the payload by its dashed UUID and under the UI prefix", async () => {
    const a = await get(api.url, `/api/v1/payloads/${DASHED}`)
    const b = await get(api.url, `/app/payload-tracker/api/v1/payloads/${ID.toUpperCase()}`)
    expect(a.status).toBe(200)
    expect((a.body as { data: unknown[] }).data).toHaveLength(6)
    expect((b.body as { data: unknown[] }).data).toHaveLength(6)
  })

  it("honours verbosity 1 and 2 with their keys only", async () => {
    const v1 = (await get(api.url, `/api/v1/payloads/${ID}?verbosity=1&sort_by=source&sort_dir=asc`))
      .body as {
      data: Array<Record<string, unknown>>
    }
    expect(Object.keys(v1.data.at(-1)!)).toEqual(["service", "status", "date"])
    expect(Object.keys(v1.data[0]!)).toEqual(["service", "status", "date"])
    const v2 = (await get(api.url, `/api/v1/payloads/${ID}?verbosity=2&sort_by=created_at`)).body as {
      data: Array<Record<string, unknown>>
    }
    expect(v2.data.every((s) => Object.keys(s).join() === "service,status,date")).toBe(true)
  })

  it("sorts by status (new) and the other whitelisted fields", async () => {
    const r = (await get(api.url, `/api/v1/payloads/${ID}?sort_by=status&sort_dir=asc`)).body as {
      data: Array<{ status: string }>
    }
    expect(r.data.map((s) => s.status)).toEqual([
      "processing",
      "processing",
      "received",
      "received",
      "success",
      "success",
    ])
  })

  it.each([
    ["verbosity=3", "verbosity must be one of 0, 1, 2"],
    ["sort_by=account", "sort_by must be one of service, source, status, status_msg, date, created_at"],
    ["sort_dir=sideways", "sort_dir must be one of asc, desc"],
  ])("/payloads/{id}?%s → 400 %s", async (query, message) => {
    const r = await get(api.url, `/api/v1/payloads/${ID}?${query}`)
    expect([r.status, r.body]).toEqual([400, { title: "Bad Request", message, status: 400 }])
  })

  it("answers 404 for a payload without statuses", async () => {
    for (const id of ["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "not-an-id"]) {
      const r = await get(api.url, `/api/v1/payloads/${id}`)
      expect([r.status, r.body]).toEqual([
        404,
        { title: "Not Found", message: `payload with id: ${id} not found`, status: 404 },
      ])
    }
  })
})
