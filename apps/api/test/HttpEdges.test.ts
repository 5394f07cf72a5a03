import { connect } from "node:net"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { get, type RunningApi, startApi } from "../testing/TestServer.ts"

interface RawResponse {
  readonly statusLine: string
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: unknown
}

/** Parse every response on a connection from the raw bytes the server sent before closing it. */
const parseResponses = (raw: string): Array<RawResponse> => {
  const responses: Array<RawResponse> = []
  let rest = raw
  while (rest.length > 0) {
    const end = rest.indexOf("\r\n\r\n")
    if (end < 0) throw new Error(`incomplete response: ${JSON.stringify(rest)}`)
    const [statusLine = "", ...lines] = rest.slice(0, end).split("\r\n")
    const headers = Object.fromEntries(
      lines.map((line) => {
        const colon = line.indexOf(":")
        return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()]
      }),
    )
    const length = Number(headers["content-length"] ?? 0)
    const text = rest.slice(end + 4, end + 4 + length)
    rest = rest.slice(end + 4 + length)
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {}
    responses.push({ statusLine, status: Number(statusLine.split(" ")[1]), headers, body })
  }
  return responses
}

/**
 * Send raw bytes over a real TCP connection (fetch would refuse to send most of these) and collect everything
 * the server answers until it closes the connection.
 */
const rawExchange = (url: string, request: string | Buffer): Promise<Array<RawResponse>> =>
  new Promise((resolve, reject) => {
    const { hostname, port } = new URL(url)
    const socket = connect({ host: hostname, port: Number(port) })
    const chunks: Array<Buffer> = []
    socket.on("data", (chunk: Buffer) => chunks.push(chunk))
    // A reset after the answer is fine: what was read before it is what the client got.
    socket.on("error", () => {})
    socket.on("close", () => {
      try {
        resolve(parseResponses(Buffer.concat(chunks).toString("latin1")))
      } catch (error) {
        reject(error)
      }
    })
    socket.on("connect", () => socket.write(request))
  })

const expectJsonError = (response: RawResponse | undefined, status: number, title: string) => {
  expect(response?.statusLine).toBe(`HTTP/1.1 ${status} ${title}`)
  expect(response?.headers["content-type"]).toMatch(/^application\/json/)
  expect(response?.headers.connection).toBe("close")
  expect(response?.body).toMatchObject({ title, status })
  expect(Object.keys(response?.body as object)).toEqual(["title", "message", "status"])
}

describe("HTTP edges: what Node's parser rejects gets the JSON error body", () => {
  let api: RunningApi
  beforeAll(async () => {
    api = await startApi()
  })
  afterAll(() => api.close())

  it("answers a query string over the header limit with a 431 JSON body", async () => {
    const responses = await rawExchange(
      api.url,
      `GET /api/v1/payloads?account=${"a".repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
    )
    expect(responses).toHaveLength(1)
    expectJsonError(responses[0], 431, "Request Header Fields Too Large")
    expect(responses[0]?.body).toHaveProperty("message", expect.stringMatching(/larger than \d+ bytes/))
  })

  it("answers headers over the limit with a 431 JSON body", async () => {
    const responses = await rawExchange(
      api.url,
      `GET /api/v1/payloads HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(20_000)}\r\n\r\n`,
    )
    expectJsonError(responses[0], 431, "Request Header Fields Too Large")
  })

  it("answers a raw NUL in the request line with a 400 JSON body", async () => {
    const responses = await rawExchange(
      api.url,
      "GET /api/v1/payloads?account=\0 HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    expect(responses).toHaveLength(1)
    expectJsonError(responses[0], 400, "Bad Request")
    expect(responses[0]?.body).toHaveProperty("message", expect.stringMatching(/malformed HTTP request/))
  })

  it("answers bytes that are not HTTP with a 400 JSON body", async () => {
    const responses = await rawExchange(api.url, "HELLO THERE\r\n\r\n")
    expectJsonError(responses[0], 400, "Bad Request")
  })

  it("answers a request that was fine first, then closes on the malformed one after it", async () => {
    const responses = await rawExchange(
      api.url,
      "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /he\0alth HTTP/1.1\r\nHost: x\r\n\r\n",
    )
    expect(responses.map((r) => r.status)).toEqual([200, 400])
    expectJsonError(responses[1], 400, "Bad Request")
  })

  it("counts parser-level rejections in payload_tracker_responses", async () => {
    await rawExchange(api.url, "HELLO THERE\r\n\r\n")
    const metrics = await get(api.metricsUrl, "")
    expect(metrics.text).toMatch(/payload_tracker_responses\{code="400"\} [1-9]/)
    expect(metrics.text).toMatch(/payload_tracker_responses\{code="431"\} [1-9]/)
  })

  it("sends Allow with a 405 (RFC 9110 §15.5.6)", async () => {
    for (const [method, path, allow] of [
      ["DELETE", "/api/v1/payloads", "GET"],
      ["PUT", "/api/v1/statuses", "GET, POST"],
      ["POST", "/app/payload-tracker/api/v1/payloads/x", "GET"],
    ] as const) {
      const response = await fetch(`${api.url}${path}`, { method })
      expect(response.status).toBe(405)
      expect(response.headers.get("allow")).toBe(allow)
      expect(await response.json()).toMatchObject({ title: "Method Not Allowed", status: 405 })
    }
  })
})
