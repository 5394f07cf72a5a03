import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { get, type RunningApi, startApi } from "../testing/TestServer.ts"

const ID = "0123456789abcdef0123456789abcdef"
const DASHED = "01234567-89ab-cdef-0123-456789abcdef"
const identity = (roles: unknown) =>
  Buffer.from(JSON.stringify({ identity: { type: "Associate", associate: { Role: roles } } })).toString(
    "base64",
  )
const GOOD = { "x-rh-identity": identity(["platform-archive-download"]) }

/** A storage broker stand-in whose answer each test chooses through the request id. */
const startBroker = async (): Promise<{ url: string; server: Server; seen: Array<string> }> => {
  const seen: Array<string> = []
  const server = createServer((req, res) => {
    const id = new URL(req.url ?? "/", "http://x").searchParams.get("request_id") ?? ""
    seen.push(id)
    if (id.startsWith("1")) res.end(JSON.stringify({ url: `https://s3.example.com/${id}?sig=1` }))
    else if (id.startsWith("2")) res.end(JSON.stringify({ request_id: id }))
    else if (id.startsWith("3")) setTimeout(() => res.end("{}"), 2000)
    else if (id.startsWith("4")) res.end("<html>oops</html>")
    else if (id.startsWith("5")) res.writeHead(500).end("{}")
    else res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/archive/url`, server, seen }
}

describe("archive and Kibana links", () => {
  let api: RunningApi
  let broker: Awaited<ReturnType<typeof startBroker>>
  beforeAll(async () => {
    broker = await startBroker()
    api = await startApi({ settings: { storageBrokerUrl: broker.url, storageBrokerTimeoutMs: 300 } })
  })
  afterAll(async () => {
    await api.close()
    broker.server.closeAllConnections()
    broker.server.close()
  })

  it.each([
    ["missing", undefined, "Missing Identity Header"],
    ["empty", "", "Missing Identity Header"],
    ["not base64", "%%%not-base64%%%", "Identity header is not valid base64"],
    ["not JSON", Buffer.from("{nope").toString("base64"), "Identity header is not valid JSON"],
  ])("identity %s → 401", async (_, header, message) => {
    for (const path of ["/api/v1/roles/archiveLink", `/api/v1/payloads/${ID}/archiveLink`]) {
      const r = await get(api.url, path, header === undefined ? {} : { "x-rh-identity": header })
      expect([r.status, r.body]).toEqual([401, { title: "Unauthorized", message, status: 401 }])
    }
  })

  it.each([
    ["no associate", Buffer.from(JSON.stringify({ identity: { type: "User" } })).toString("base64")],
    ["other roles", identity(["some-role"])],
    ["Role not an array", identity("platform-archive-download")],
  ])("identity with %s → 403", async (_, header) => {
    const r = await get(api.url, "/api/v1/roles/archiveLink", { "x-rh-identity": header })
    expect([r.status, r.body]).toEqual([
      403,
      {
        title: "Forbidden",
        message: "You do not have the required permissions to access this resource",
        status: 403,
      },
    ])
  })

  it("allows the configured role", async () => {
    const r = await get(api.url, "/app/payload-tracker/api/v1/roles/archiveLink", GOOD)
    expect([r.status, r.body]).toEqual([200, { allowed: true }])
  })

  it("checks the role before the id, then rejects an id that is not a UUID", async () => {
    expect((await get(api.url, "/api/v1/payloads/nope/archiveLink")).status).toBe(401)
    const r = await get(api.url, "/api/v1/payloads/nope/archiveLink", GOOD)
    expect([r.status, r.body]).toEqual([
      400,
      { title: "Bad Request", message: "nope is not a valid UUID", status: 400 },
    ])
  })

  it("returns the broker's url, asking with the normalised id", async () => {
    const r = await get(api.url, `/api/v1/payloads/${DASHED.replace(/^0/, "1")}/archiveLink`, GOOD)
    expect(r.status).toBe(200)
    expect(r.body).toEqual({ url: `https://s3.example.com/${ID.replace(/^0/, "1")}?sig=1` })
    expect(broker.seen).toContain(ID.replace(/^0/, "1"))
  })

  it.each([
    ["2", 404, "Payload not found"],
    ["6", 404, "Payload not found"],
    ["3", 504, "storage broker did not answer within 300 ms"],
    ["4", 502, "storage broker answered 200 with a body that is not JSON"],
    ["5", 502, "storage broker answered 500 with an unexpected body"],
  ])("broker case %s → %i", async (first, status, message) => {
    const r = await get(api.url, `/api/v1/payloads/${first}${ID.slice(1)}/archiveLink`, GOOD)
    expect(r.status).toBe(status)
    expect(r.body).toMatchObject({ message, status })
  })

  it("answers 502 when the broker is down", async () => {
    const down = await startApi({ settings: { storageBrokerUrl: "http://127.0.0.1:1/archive/url" } })
    try {
      const r = await get(down.url, `/api/v1/payloads/${ID}/archiveLink`, GOOD)
      expect(r.status).toBe(502)
      expect(r.body).toMatchObject({ title: "Bad Gateway", status: 502 })
    } finally {
      await down.close()
    }
  })

  it("uses the mock requestor with REQUESTOR_IMPL=mock", async () => {
    const mock = await startApi({
      settings: { requestorImpl: "mock", storageBrokerUrl: "http://127.0.0.1:1/x" },
    })
    try {
      const r = await get(mock.url, `/api/v1/payloads/${ID}/archiveLink`, GOOD)
      expect(r.status).toBe(200)
      expect((r.body as { url: string }).url).toMatch(
        new RegExp(`^http://localhost:\\d+/mock-archive/${ID}$`),
      )
    } finally {
      await mock.close()
    }
  })

  const template = (query: string) =>
    "https://kibana.example.com/app/kibana#/discover?_g=(filters:!(),refreshInterval:(pause:!t,value:0),time:(from:now-24h,to:now))" +
    `&_a=(columns:!(_source),filters:!(),index:'payload-tracker',interval:auto,query:(language:lucene,query:'${query}'),sort:!('@timestamp',desc))`

  it("builds the Kibana link from the template, with and without a service", async () => {
    const plain = await get(api.url, `/api/v1/payloads/${DASHED}/kibanaLink`)
    expect([plain.status, plain.body]).toEqual([200, { url: template(`request_id:${ID}`) }])
    const service = await get(api.url, `/api/v1/payloads/${ID}/kibanaLink?service=puptoo`)
    expect(service.body).toEqual({ url: template(`request_id:${ID} AND app:puptoo`) })
  })

  it("escapes a crafted service so it cannot leave the query", async () => {
    const crafted = "x') OR (index:'other' & foo=bar#"
    const r = await get(api.url, `/api/v1/payloads/${ID}/kibanaLink?service=${encodeURIComponent(crafted)}`)
    const url = (r.body as { url: string }).url
    const inserted = url.slice(url.indexOf(" AND app:") + " AND app:".length, url.lastIndexOf("'),sort:"))
    expect(inserted).not.toMatch(/[ #&=]|(^|[^!])'/)
    expect(url.endsWith(",sort:!('@timestamp',desc))")).toBe(true)
    expect(decodeURIComponent(inserted)).toBe("x!'\\)\\ OR\\ \\(index\\:!'other!'\\ \\&\\ foo=bar#")
  })

  it("rejects a Kibana link for an id that is not a UUID", async () => {
    const r = await get(api.url, "/api/v1/payloads/abc/kibanaLink")
    expect([r.status, r.body]).toEqual([
      400,
      { title: "Bad Request", message: "abc is not a valid UUID", status: 400 },
    ])
  })
})
