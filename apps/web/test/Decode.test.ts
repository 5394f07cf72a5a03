import { describe, expect, it } from "vitest"
import { readBody, UnreadableResponse } from "../src/api/ApiClient.ts"
import {
  allowedResponse,
  decode,
  historyResponse,
  listResponse,
  listRow,
  urlResponse,
} from "../src/api/Decode.ts"

// Dates from the clock the test runs with: nothing here may depend on the day it runs.
const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString()

const history = () => ({
  data: [
    { id: 1, service: "ingress", status: "received", date: iso(60_000), account: "1" },
    { id: 2, service: "puptoo", source: "engine", status: "success", date: iso(30_000) },
  ],
  duration: { "ingress:undefined": "00:00:30.000000", total_time: "00:00:30.000000" },
})

const reading = (body: string, decoder = historyResponse) =>
  readBody(new Response(body, { status: 200 }), "/payloads/abc", decoder)

describe("decoding the API's answers", () => {
  it("passes a well-formed history through unchanged", () => {
    const body = history()
    expect(decode(historyResponse, body)).toEqual(body)
  })

  it("rejects a status date no parser reads, naming the field (the year-10000 date hung the Track page)", () => {
    const body = history()
    body.data[1]!.date = "+010000-01-01T00:00.00.Z"
    expect(() => decode(historyResponse, body)).toThrow(
      'data[1].date is "+010000-01-01T00:00.00.Z", expected a date this page can read',
    )
  })

  it.each([
    [{ duration: {} }, "data is missing, expected a list"],
    [{ data: {}, duration: {} }, "data is an object, expected a list"],
    [
      { data: [{ date: iso(1000), service: 5 }], duration: {} },
      "data[0].service is number 5, expected a string",
    ],
    [{ data: [{ status: "received" }], duration: {} }, "data[0].date is missing, expected a string"],
    [{ data: [] }, "duration is missing, expected an object"],
    [{ data: [], duration: { total_time: 12 } }, "duration.total_time is number 12, expected a string"],
    [[], "the body is a list, expected an object"],
    [null, "the body is null, expected an object"],
  ])("rejects a history of the wrong shape: %j", (body, message) => {
    expect(() => decode(historyResponse, body)).toThrow(message)
  })

  it("checks list answers: a count, a list of rows, cells a table can print", () => {
    const list = listResponse(listRow)
    const ok = { count: 2, elapsed: 0.01, data: [{ request_id: "a", id: 3 }, { request_id: "b" }] }
    expect(decode(list, ok)).toEqual(ok)
    expect(() => decode(list, { ...ok, count: "2" })).toThrow('count is "2", expected a count')
    expect(() => decode(list, { ...ok, count: -1 })).toThrow("count is number -1, expected a count")
    expect(() => decode(list, { count: 1, data: [{ request_id: { x: 1 } }] })).toThrow(
      "data[0].request_id is an object, expected a text or a number",
    )
    expect(() => decode(list, { count: 1, data: null })).toThrow("data is null, expected a list")
  })

  it("checks the small answers", () => {
    expect(decode(urlResponse, { url: "https://x" })).toEqual({ url: "https://x" })
    expect(() => decode(urlResponse, { url: 1 })).toThrow("url is number 1, expected a string")
    expect(() => decode(allowedResponse, { allowed: "yes" })).toThrow(
      'allowed is "yes", expected true or false',
    )
  })
})

describe("reading a successful response", () => {
  it("decodes the body", async () => {
    const body = history()
    expect(await reading(JSON.stringify(body))).toEqual(body)
  })

  it("turns an undecodable body into an UnreadableResponse that says what failed", async () => {
    const body = history()
    body.data[0]!.date = "+010000-01-01T00:00.00.Z"
    const error = await reading(JSON.stringify(body)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnreadableResponse)
    expect((error as UnreadableResponse).status).toBe(200)
    expect((error as UnreadableResponse).message).toBe(
      'The API\'s answer to /payloads/abc cannot be shown: data[0].date is "+010000-01-01T00:00.00.Z", expected a date this page can read',
    )
  })

  it("turns a body that is not JSON (a proxy's HTML page) into an UnreadableResponse", async () => {
    const error = await reading("<html>hello</html>").catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnreadableResponse)
    expect((error as Error).message).toBe("The API's answer to /payloads/abc cannot be shown: it is not JSON")
  })
})
