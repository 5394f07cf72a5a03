import { dayAfter, testDay } from "@pt/domain/testing/TestDates"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { get, post, type RunningApi, startApi } from "../testing/TestServer.ts"

// Fixture dates derive from the clock (see TestDates.ts): a fixed day goes stale.
const DAY = testDay()
const NEXT_DAY = dayAfter(DAY)

const ID = "0123456789abcdef0123456789abcdef"
const status = (over: Record<string, unknown> = {}) => ({
  request_id: ID,
  service: "Ingress",
  status: "received",
  date: `${DAY}T10:00:00Z`,
  ...over,
})

describe("GET /statuses, POST /statuses (HTTP ingest), GET /stats", () => {
  let api: RunningApi
  beforeAll(async () => {
    api = await startApi({ settings: { ingestMaxItems: 3, ingestMaxBytes: 4096 } })
  })
  afterAll(() => api.close())

  it("answers data [] when nothing matches", async () => {
    const r = await get(api.url, "/api/v1/statuses")
    expect(r.body).toMatchObject({ count: 0, data: [] })
  })

  it("ingests an object or an array and reports rejected items by index", async () => {
    const one = await post(api.url, "/api/v1/statuses", JSON.stringify(status()))
    expect([one.status, one.body]).toEqual([202, { accepted: 1, rejected: [] }])
    const many = await post(
      api.url,
      "/app/payload-tracker/api/v1/statuses",
      JSON.stringify([
        status({
          status: "success",
          source: "Insights-Client",
          date: `${DAY}T10:00:05Z`,
          status_msg: "ok",
        }),
        { service: "x" },
        status({ request_id: "-1" }),
      ]),
    )
    expect(many.status).toBe(202)
    expect(many.body).toEqual({
      accepted: 1,
      rejected: [
        { index: 1, reason: "missing request_id" },
        { index: 2, reason: 'invalid request_id "-1": expected 32 hex characters or a dashed UUID' },
      ],
    })
    const again = await post(api.url, "/api/v1/statuses", JSON.stringify(status()))
    expect(again.body).toEqual({ accepted: 1, rejected: [] })
    expect((await get(api.url, "/api/v1/statuses")).body).toMatchObject({ count: 2 })
  })

  it("lists statuses with the item keys in order, payload id as a string, filters lower-cased", async () => {
    const r = await get(
      api.url,
      "/api/v1/statuses?service=INGRESS&source=insights-CLIENT&status=Success&sort_by=date",
    )
    const body = r.body as { count: number; data: Array<Record<string, unknown>> }
    expect(body.count).toBe(1)
    expect(Object.keys(body.data[0]!)).toEqual([
      "request_id",
      "status",
      "id",
      "service",
      "source",
      "status_msg",
      "date",
      "created_at",
    ])
    expect(body.data[0]).toMatchObject({
      id: "1",
      source: "insights-client",
      status: "success",
      status_msg: "ok",
    })
    const noSource = (await get(api.url, "/api/v1/statuses?status=received")).body as {
      data: Array<Record<string, unknown>>
    }
    expect(noSource.data).toHaveLength(1)
    expect(Object.keys(noSource.data[0]!)).toEqual([
      "request_id",
      "status",
      "id",
      "service",
      "date",
      "created_at",
    ])
    const window = (await get(api.url, `/api/v1/statuses?date_gte=${DAY}T10:00:01Z&date_lt=${DAY}T11:00:00Z`))
      .body as { count: number }
    expect(window.count).toBe(1)
  })

  it.each([
    ["page_size=abc", "page_size must be an integer between 1 and 1000"],
    [
      "sort_by=account",
      "sort_by must be one of service, source, request_id, status, status_msg, date, created_at",
    ],
    ["sort_dir=DESC", "sort_dir must be one of asc, desc"],
    ["date_lt=yesterday", "invalid timestamp format provided"],
    [`created_at_gt=${DAY}T10:00:00`, "invalid timestamp format provided"],
  ])("/statuses?%s → 400 %s", async (query, message) => {
    const r = await get(api.url, `/api/v1/statuses?${query}`)
    expect([r.status, r.body]).toEqual([400, { title: "Bad Request", message, status: 400 }])
  })

  it.each([
    ["not json", "request body is not valid JSON"],
    ["42", "request body must be a JSON object or an array of objects"],
    ['"text"', "request body must be a JSON object or an array of objects"],
  ])("ingest of %s → 400", async (body, message) => {
    const r = await post(api.url, "/api/v1/statuses", body)
    expect([r.status, r.body]).toEqual([400, { title: "Bad Request", message, status: 400 }])
  })

  it("refuses more items than INGEST_MAX_ITEMS and bodies over INGEST_MAX_BYTES with 413", async () => {
    const items = await post(
      api.url,
      "/api/v1/statuses",
      JSON.stringify([status(), status(), status(), status()]),
    )
    expect(items.status).toBe(413)
    expect(items.body).toMatchObject({
      title: "Payload Too Large",
      message: "too many items: 4, at most 3 per request",
    })
    const bytes = await post(
      api.url,
      "/api/v1/statuses",
      JSON.stringify([status({ status_msg: "x".repeat(5000) })]),
    )
    expect(bytes.status).toBe(413)
    expect(bytes.body).toMatchObject({ message: "request body is larger than 4096 bytes", status: 413 })
  })

  it("can be switched off", async () => {
    const off = await startApi({ settings: { ingestEnabled: false } })
    try {
      const r = await post(off.url, "/api/v1/statuses", JSON.stringify(status()))
      expect(r.status).toBe(404)
      expect(r.body).toMatchObject({ message: "HTTP ingest is disabled (INGEST_HTTP_ENABLED=false)" })
    } finally {
      await off.close()
    }
  })

  it("computes the success rate per service since a time", async () => {
    const r = await get(api.url, `/api/v1/stats?stat=SuccessRate&since=${DAY}T00:00:00Z`)
    expect(r.status).toBe(200)
    expect(r.body).toEqual({
      stat: "SuccessRate",
      since: `${DAY}T00:00:00Z`,
      data: [{ service: "ingress", success: 1, error: 0, success_rate: 100 }],
    })
    const late = (await get(api.url, `/api/v1/stats?since=${NEXT_DAY}T00:00:00Z`)).body as { data: unknown[] }
    expect(late.data).toEqual([])
  })

  it.each([
    ["stat=Throughput", "stat must be one of SuccessRate"],
    ["since=today", "invalid timestamp format provided"],
  ])("/stats?%s → 400", async (query, message) => {
    const r = await get(api.url, `/api/v1/stats?${query}`)
    expect([r.status, r.body]).toEqual([400, { title: "Bad Request", message, status: 400 }])
  })
})
