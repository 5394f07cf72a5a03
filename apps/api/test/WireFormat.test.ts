import { testDay } from "@pt/domain/testing/TestDates"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { get, post, type RunningApi, startApi } from "../testing/TestServer.ts"

/**
 * Byte-exact answers of /payloads, /statuses and /payloads/{id}: key order, omitted empty keys, Go-style
 * timestamps (fraction trimmed of trailing zeros) and number formatting, written down before the responses were
 * moved from hand mapping to Schema encoding. Only what the test cannot know is masked: `elapsed` and the
 * time the tracker stored each status (`created_at` of a status row).
 */
const DAY = testDay()
const ID = "5a5a5a5a5a5a4a5a8a5a5a5a5a5a5a5a"
const STATUSES = [
  {
    request_id: ID,
    service: "ingress",
    status: "received",
    account: "acct-1",
    org_id: "org-1",
    date: `${DAY}T10:00:00.500Z`,
  },
  {
    request_id: ID,
    service: "puptoo",
    source: "inventory",
    status: "success",
    status_msg: "done",
    inventory_id: "inv-1",
    system_id: "sys-1",
    date: `${DAY}T10:00:01.123456+00:00`,
  },
]

/** The store's own `created_at` of a status (its time of writing) is the one value not fixed by the fixture. */
const mask = (text: string) =>
  text
    .replace(/"elapsed":[0-9.e-]+/, '"elapsed":0')
    .replace(/"created_at":"(?!\d{4}-\d\d-\d\dT10:00:00\.5Z)[^"]+"/g, '"created_at":"<stored>"')

describe("wire format, byte for byte", () => {
  let api: RunningApi
  beforeAll(async () => {
    api = await startApi()
    expect((await post(api.url, "/api/v1/statuses", JSON.stringify(STATUSES))).body).toEqual({
      accepted: 2,
      rejected: [],
    })
  })
  afterAll(() => api.close())

  it("GET /payloads", async () => {
    const r = await get(api.url, "/api/v1/payloads")
    expect(r.type).toMatch(/^application\/json/)
    expect(mask(r.text)).toBe(
      `{"count":1,"elapsed":0,"data":[{"id":1,"request_id":"${ID}","account":"acct-1",` +
        `"inventory_id":"inv-1","system_id":"sys-1","created_at":"${DAY}T10:00:00.5Z","org_id":"org-1"}]}`,
    )
  })

  it("GET /statuses", async () => {
    const r = await get(api.url, "/app/payload-tracker/api/v1/statuses?sort_dir=asc")
    expect(mask(r.text)).toBe(
      `{"count":2,"elapsed":0,"data":[` +
        `{"request_id":"${ID}","status":"received","id":"1","service":"ingress",` +
        `"date":"${DAY}T10:00:00.5Z","created_at":"<stored>"},` +
        `{"request_id":"${ID}","status":"success","id":"1","service":"puptoo","source":"inventory",` +
        `"status_msg":"done","date":"${DAY}T10:00:01.123456Z","created_at":"<stored>"}]}`,
    )
  })

  it("GET /payloads/{id} at every verbosity", async () => {
    const full = await get(api.url, `/api/v1/payloads/${ID}`)
    expect(mask(full.text)).toBe(
      `{"data":[` +
        `{"id":1,"service":"puptoo","source":"inventory","account":"acct-1","org_id":"org-1",` +
        `"request_id":"${ID}","inventory_id":"inv-1","system_id":"sys-1","created_at":"<stored>",` +
        `"status":"success","status_msg":"done","date":"${DAY}T10:00:01.123456Z"},` +
        `{"id":1,"service":"ingress","account":"acct-1","org_id":"org-1","request_id":"${ID}",` +
        `"inventory_id":"inv-1","system_id":"sys-1","created_at":"<stored>","status":"received",` +
        `"date":"${DAY}T10:00:00.5Z"}],` +
        `"duration":{"ingress:undefined":"00:00:00.000000","puptoo:inventory":"00:00:00.000000",` +
        `"total_time_in_services":"00:00:00.000000","total_time":"00:00:00.623456"}}`,
    )
    const v1 = await get(api.url, `/api/v1/payloads/${ID}?verbosity=1&sort_dir=asc`)
    expect(v1.text).toMatch(
      new RegExp(
        `^\\{"data":\\[\\{"service":"ingress","inventory_id":"inv-1","status":"received",` +
          `"date":"${DAY}T10:00:00\\.5Z"\\},\\{"service":"puptoo","inventory_id":"inv-1","status":"success",` +
          `"status_msg":"done","date":"${DAY}T10:00:01\\.123456Z"\\}\\],"duration":`,
      ),
    )
    const v2 = await get(api.url, `/api/v1/payloads/${ID}?verbosity=2&sort_by=service&sort_dir=asc`)
    expect(v2.text).toMatch(
      new RegExp(
        `^\\{"data":\\[\\{"service":"ingress","status":"received","date":"${DAY}T10:00:00\\.5Z"\\},` +
          `\\{"service":"puptoo","status":"success","date":"${DAY}T10:00:01\\.123456Z"\\}\\],"duration":`,
      ),
    )
  })
})
