import { resolveDatabaseUrl, testStoreLayer } from "@pt/adapters-postgres/testing/PostgresTestServer"
import { Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { MemoryStoreLayer, type StorePorts } from "../src/Store.ts"
import { errorBody, get, PAYLOAD_ITEM_KEYS, post, type RunningApi, startApi } from "../testing/TestServer.ts"

/**
 * The fleet view of issue 10 over real HTTP, against the memory store and a real PostgreSQL: the `outcome`,
 * `service` and `status` filters of `/payloads`, the opt-in `summary`, and `/hosts`; the default answer stays
 * byte for byte what it was.
 */
const stores: ReadonlyArray<readonly [string, () => Layer.Layer<StorePorts>]> = [
  ["memory", () => MemoryStoreLayer],
  ["postgres", () => Layer.orDie(testStoreLayer(resolveDatabaseUrl(), "api_fleet"))],
]

// Every date derives from the clock: three hours ago (past STALLED_AFTER's hour, inside retention), on a half
// second so every timestamp prints as `….5Z`; one payload is a minute old, so it is still in progress.
const BASE = Math.floor((Date.now() - 3 * 3_600_000) / 1000) * 1000 + 500
const at = (seconds: number) => new Date(BASE + seconds * 1000).toISOString()
/** What the API prints for `at(seconds)`: Go's RFC3339Nano trims the fraction's trailing zeros. */
const wire = (seconds: number) => at(seconds).replace(".500Z", ".5Z")
const RECENT = new Date(Math.floor((Date.now() - 60_000) / 1000) * 1000 + 500).toISOString()

const hex = (n: number) => n.toString(16).padStart(32, "0")
const [A1, A2, B3, C4, D5] = [1, 2, 3, 4, 5].map((n) => hex(0xf1ee7000 + n)) as [
  string,
  string,
  string,
  string,
  string,
]

const status = (
  request_id: string,
  service: string,
  word: string,
  date: string,
  extra: Record<string, string> = {},
) => ({ request_id, service, status: word, date, ...extra })

const hostA0 = { account: "acct-f", org_id: "org-f", inventory_id: "inv-a", system_id: "sys-0" }
const hostA1 = { account: "acct-f", org_id: "org-f", inventory_id: "inv-a", system_id: "sys-1" }
const STATUSES = [
  // A1: failed in puptoo (host inv-a, then known as sys-0).
  status(A1, "ingress", "received", at(0), hostA0),
  status(A1, "ingress", "success", at(1)),
  status(A1, "puptoo", "received", at(2)),
  status(A1, "puptoo", "error", at(5), { status_msg: "tarfile is corrupt" }),
  // A2: the same host (now sys-1) uploads again and succeeds.
  status(A2, "ingress", "received", at(10), hostA1),
  status(A2, "ingress", "success", at(11)),
  status(A2, "puptoo", "received", at(12)),
  status(A2, "puptoo", "success", at(14)),
  // B3: stuck in puptoo for three hours: stalled.
  status(B3, "ingress", "received", at(20), { inventory_id: "inv-b" }),
  status(B3, "ingress", "success", at(21)),
  status(B3, "puptoo", "received", at(22)),
  // C4: an error in storage-broker, then its success (still an error), known by system_id only.
  status(C4, "storage-broker", "received", at(30), { system_id: "sys-2" }),
  status(C4, "storage-broker", "error", at(31), { status_msg: "copy failed" }),
  status(C4, "storage-broker", "success", at(32)),
  // D5: a minute old and open: in progress.
  status(D5, "ingress", "received", RECENT),
]

type Item = Record<string, unknown>
type List = { count: number; data: Array<Item> }
const ids = (body: unknown) => (body as List).data.map((p) => p.request_id)
const bad = (message: string) => errorBody(400, "Bad Request", message)
const WINDOW = `created_at_gte=${encodeURIComponent(at(-1))}`

const SUMMARY_A1 = {
  outcome: "error",
  services: [
    { service: "ingress", state: "success", first_date: wire(0), last_date: wire(1), elapsed_seconds: 1 },
    { service: "puptoo", state: "error", first_date: wire(2), last_date: wire(5), elapsed_seconds: 3 },
  ],
  last_status: { service: "puptoo", status: "error", status_msg: "tarfile is corrupt", date: wire(5) },
  first_error: { service: "puptoo", status: "error", status_msg: "tarfile is corrupt", date: wire(5) },
}
const SUMMARY_A2 = {
  outcome: "success",
  services: [
    { service: "ingress", state: "success", first_date: wire(10), last_date: wire(11), elapsed_seconds: 1 },
    { service: "puptoo", state: "success", first_date: wire(12), last_date: wire(14), elapsed_seconds: 2 },
  ],
  // No status_msg (empty) and no first_error (none seen): the keys are left out.
  last_status: { service: "puptoo", status: "success", date: wire(14) },
}

describe.each(stores)("fleet view over HTTP (%s store)", (_name, store) => {
  let api: RunningApi
  let idOf: Record<string, number>
  beforeAll(async () => {
    api = await startApi({ store: store() })
    const r = await post(api.url, "/api/v1/statuses", JSON.stringify(STATUSES))
    expect(r.body).toEqual({ accepted: STATUSES.length, rejected: [] })
    const all = await get(api.url, "/api/v1/payloads?page_size=100")
    idOf = Object.fromEntries((all.body as List).data.map((p) => [p.request_id, p.id]))
  })
  afterAll(() => api.close())

  const list = async (query: string) => {
    const r = await get(api.url, `/api/v1/payloads?${query}`)
    expect(r.status, r.text).toBe(200)
    return r.body as List
  }

  it("outcome filters by the payload's outcome, AND-ed with the created_at window, with count", async () => {
    const error = await list(`outcome=error&${WINDOW}`)
    expect([error.count, ids(error)]).toEqual([2, [C4, A1]])
    expect(ids(await list(`outcome=success&${WINDOW}`))).toEqual([A2])
    expect(ids(await list(`outcome=stalled&${WINDOW}`))).toEqual([B3])
    expect(ids(await list(`outcome=in_progress&${WINDOW}`))).toEqual([D5])
    // The window still applies: nothing that ended in error was created in the last hour.
    const lastHour = encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())
    expect(await list(`outcome=error&created_at_gte=${lastHour}`)).toMatchObject({ count: 0, data: [] })
    // And the other filters, sort and paging as before.
    expect(ids(await list("outcome=error&inventory_id=inv-a"))).toEqual([A1])
    const page = await list("outcome=error&sort_dir=asc&page_size=1&page=1")
    expect([page.count, ids(page)]).toEqual([2, [C4]])
  })

  it("service and status: a status with that word, from that service when both are given", async () => {
    const failedInPuptoo = await list(`service=puptoo&status=error&${WINDOW}`)
    expect([failedInPuptoo.count, ids(failedInPuptoo)]).toEqual([1, [A1]])
    // Case-insensitive, like the /statuses filters.
    expect(ids(await list("service=PupToo&status=ERROR"))).toEqual([A1])
    expect(ids(await list("status=error"))).toEqual([C4, A1])
    expect(ids(await list("service=puptoo&sort_by=created_at&sort_dir=asc"))).toEqual([A1, A2, B3])
    // A word the service never sent for that payload: storage-broker's error is not puptoo's.
    expect(await list("service=storage-broker&status=received&outcome=success")).toMatchObject({ count: 0 })
    expect(ids(await list("service=ingress&status=error"))).toEqual([])
  })

  it("the default item keeps exactly its seven keys, byte for byte; summary=false is the default", async () => {
    const expected =
      `{"id":${idOf[A2]},"request_id":"${A2}","account":"acct-f","inventory_id":"inv-a",` +
      `"system_id":"sys-1","created_at":"${wire(10)}","org_id":"org-f"}`
    for (const query of [
      `request_id=${A2}`,
      `request_id=${A2}&summary=false`,
      `request_id=${A2}&summary=&outcome=&service=&status=`,
    ]) {
      const r = await get(api.url, `/api/v1/payloads?${query}`)
      expect(r.text.replace(/"elapsed":[0-9.e-]+/, '"elapsed":0'), query).toBe(
        `{"count":1,"elapsed":0,"data":[${expected}]}`,
      )
    }
  })

  it("summary=true: each item gains summary after its seven keys", async () => {
    const r = await get(api.url, `/api/v1/payloads?service=puptoo&summary=true&sort_dir=asc&${WINDOW}`)
    expect(r.status, r.text).toBe(200)
    const [a1, a2, b3] = (r.body as List).data
    expect(Object.keys(a1!)).toEqual([...PAYLOAD_ITEM_KEYS, "summary"])
    expect(a1!.summary).toEqual(SUMMARY_A1)
    expect(a2!.summary).toEqual(SUMMARY_A2)
    // Key order inside the summary is part of the wire format too.
    expect(r.text).toContain(`"org_id":"org-f","summary":${JSON.stringify(SUMMARY_A1)}}`)
    expect(r.text).toContain(`"summary":${JSON.stringify(SUMMARY_A2)}}`)
    // An open service has no elapsed_seconds; a stalled payload says so.
    expect(b3!.summary).toMatchObject({
      outcome: "stalled",
      services: [
        { service: "ingress", state: "success", elapsed_seconds: 1 },
        { service: "puptoo", state: "open", first_date: wire(22), last_date: wire(22) },
      ],
    })
    expect(Object.keys((b3!.summary as { services: Array<Item> }).services[1]!)).not.toContain(
      "elapsed_seconds",
    )
    // An error that a success followed: first_error is the error, last_status the success.
    const c4 = (await list(`request_id=${C4}&summary=true`)).data[0]!
    expect(c4.summary).toMatchObject({
      outcome: "error",
      services: [{ service: "storage-broker", state: "error", elapsed_seconds: 2 }],
      last_status: { service: "storage-broker", status: "success", date: wire(32) },
      first_error: { service: "storage-broker", status: "error", status_msg: "copy failed", date: wire(31) },
    })
  })

  it("bad values are 400s naming the parameter, in the validation order", async () => {
    for (const [query, message] of [
      ["outcome=failed", "outcome must be one of success, error, in_progress, stalled"],
      ["summary=yes", "summary must be one of true, false"],
      ["service=a%00b", "service must not contain a NUL character"],
      ["status=%00", "status must not contain a NUL character"],
      ["outcome=x&summary=y", "outcome must be one of success, error, in_progress, stalled"],
      ["created_at_gte=yesterday&outcome=x", "invalid timestamp format provided"],
    ] as const)
      expect((await get(api.url, `/api/v1/payloads?${query}`)).body, query).toEqual(bad(message))
  })

  it("GET /hosts by inventory_id: uploads newest first with summary, the ids seen together, totals", async () => {
    const r = await get(api.url, "/api/v1/hosts?inventory_id=inv-a")
    expect(r.status, r.text).toBe(200)
    const upload = (id: string, system: string, created: number, summary: unknown) => ({
      id: idOf[id],
      request_id: id,
      account: "acct-f",
      inventory_id: "inv-a",
      system_id: system,
      created_at: wire(created),
      org_id: "org-f",
      summary,
    })
    const expected = {
      inventory_ids: ["inv-a"],
      system_ids: ["sys-0", "sys-1"],
      first_seen: wire(0),
      last_seen: wire(14),
      total: 2,
      succeeded: 1,
      uploads: [upload(A2, "sys-1", 10, SUMMARY_A2), upload(A1, "sys-0", 0, SUMMARY_A1)],
    }
    // Byte for byte: key order of the answer, of each upload and of its summary.
    expect(r.text).toBe(JSON.stringify(expected))
    // Both prefixes.
    expect((await get(api.url, "/app/payload-tracker/api/v1/hosts?inventory_id=inv-a")).text).toBe(r.text)
    // page_size limits the uploads, not the totals.
    const one = await get(api.url, "/api/v1/hosts?inventory_id=inv-a&page_size=1")
    expect(one.body).toEqual({ ...expected, uploads: [expected.uploads[0]] })
  })

  it("GET /hosts by system_id", async () => {
    const r = await get(api.url, "/api/v1/hosts?system_id=sys-2")
    expect(r.status, r.text).toBe(200)
    expect(r.body).toMatchObject({
      inventory_ids: [],
      system_ids: ["sys-2"],
      first_seen: wire(30),
      last_seen: wire(32),
      total: 1,
      succeeded: 0,
      uploads: [{ request_id: C4, system_id: "sys-2", summary: { outcome: "error" } }],
    })
    expect(await get(api.url, "/api/v1/hosts?system_id=sys-1")).toMatchObject({
      status: 200,
      body: { inventory_ids: ["inv-a"], system_ids: ["sys-1"], total: 1, succeeded: 1 },
    })
  })

  it("GET /hosts: 404 for a host without payloads, 400 unless exactly one id", async () => {
    const missing = await get(api.url, "/api/v1/hosts?inventory_id=nobody")
    expect([missing.status, missing.body]).toEqual([
      404,
      errorBody(404, "Not Found", "no payload with inventory_id: nobody found"),
    ])
    const exactlyOne = "exactly one of inventory_id and system_id must be given"
    for (const [query, message] of [
      ["", exactlyOne],
      ["inventory_id=&system_id=", exactlyOne],
      ["inventory_id=inv-a&system_id=sys-1", exactlyOne],
      ["inventory_id=inv-a&page_size=101", "page_size must be an integer between 1 and 100"],
      ["inventory_id=inv-a&page_size=0", "page_size must be an integer between 1 and 100"],
      ["inventory_id=%00", "inventory_id must not contain a NUL character"],
    ] as const)
      expect((await get(api.url, `/api/v1/hosts?${query}`)).body, query).toEqual(bad(message))
  })
})

describe("openapi.json", () => {
  let api: RunningApi
  beforeAll(async () => {
    api = await startApi()
  })
  afterAll(() => api.close())

  it("documents the new parameters typed, with examples, and /hosts", async () => {
    const spec = (await get(api.url, "/api/v1/openapi.json")).body as {
      paths: Record<string, { get: { parameters: Array<{ name: string; schema: unknown }> } }>
    }
    const params = (path: string) =>
      Object.fromEntries(spec.paths[path]!.get.parameters.map((p) => [p.name, p.schema]))
    const payloads = params("/api/v1/payloads")
    expect(payloads.outcome).toMatchObject({
      enum: ["", "success", "error", "in_progress", "stalled"],
      examples: ["error"],
    })
    expect(payloads.summary).toMatchObject({ enum: ["", "true", "false"] })
    expect(payloads.service).toMatchObject({ examples: ["puptoo"] })
    expect(payloads.status).toMatchObject({ examples: ["error"] })
    const hosts = params("/api/v1/hosts")
    expect(Object.keys(hosts)).toEqual(["page_size", "inventory_id", "system_id"])
    expect(JSON.stringify(spec)).toContain('"SummarizedPayload"')
  })
})
