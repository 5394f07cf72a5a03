import { describe, expect, it } from "vitest"
import type { HostResponse, PayloadSummary, PipelineResponse } from "../src/api/ApiTypes.ts"
import { decode, hostResponse, listResponse, pipelineResponse, summarizedListRow } from "../src/api/Decode.ts"
import { hostView, parseHostQuery } from "../src/hosts/HostModel.ts"
import { listStateToApiParams, parseListState } from "../src/lib/ListState.ts"
import {
  chartSeries,
  flowRows,
  parsePipelineWindow,
  pipelineApiParams,
  pipelineWindowToParams,
  serviceOrder,
  serviceRows,
  topErrors,
} from "../src/pipeline/PipelineModel.ts"
import { whereText, withSummaryCells } from "../src/summary/SummaryModel.ts"

// Contract-shaped answers (issue 10's fleet contract), dated from the clock the test runs with.
const now = Date.now()
const iso = (msAgo: number) => new Date(now - msAgo).toISOString()
const HOUR = 3_600_000

const errorSummary = (): PayloadSummary => ({
  outcome: "error",
  services: [
    {
      service: "ingress",
      state: "success",
      first_date: iso(60_000),
      last_date: iso(59_000),
      elapsed_seconds: 0.5,
    },
    {
      service: "puptoo",
      state: "error",
      first_date: iso(58_000),
      last_date: iso(50_000),
      elapsed_seconds: 5.123456,
    },
  ],
  last_status: { service: "puptoo", status: "error", status_msg: "tarfile is corrupt", date: iso(50_000) },
  first_error: { service: "puptoo", status: "error", status_msg: "tarfile is corrupt", date: iso(50_000) },
})

const stalledSummary = (): PayloadSummary => ({
  outcome: "stalled",
  services: [
    {
      service: "ingress",
      state: "success",
      first_date: iso(3 * HOUR),
      last_date: iso(3 * HOUR),
      elapsed_seconds: 1,
    },
    { service: "puptoo", state: "open", first_date: iso(2 * HOUR), last_date: iso(2 * HOUR) },
  ],
  last_status: { service: "puptoo", status: "received", date: iso(2 * HOUR) },
})

const payload = (request_id: string, summary: PayloadSummary) => ({
  id: 1,
  request_id,
  account: "1",
  inventory_id: "inv-1",
  system_id: "sys-1",
  created_at: iso(60_000),
  org_id: "o",
  summary,
})

const pipeline = (): PipelineResponse => ({
  since: iso(24 * HOUR),
  until: iso(0),
  bucket_seconds: 1800,
  services: [
    {
      service: "puptoo",
      seen: 96,
      succeeded: 90,
      failed: 6,
      open_now: 2,
      stalled_now: 1,
      error_rate: 0.0625,
      duration_seconds: { p50: 1.2, p95: 4.8, p99: 9.1 },
      series: [
        { start: iso(2 * HOUR), throughput: 50, errors: 2, p95_seconds: 4.1 },
        { start: iso(HOUR), throughput: 46, errors: 4 },
      ],
      top_errors: [
        { status: "error", status_msg: "tarfile is corrupt", count: 5, example_request_id: "a".repeat(32) },
      ],
    },
    {
      service: "ingress",
      seen: 120,
      succeeded: 120,
      failed: 0,
      open_now: 0,
      stalled_now: 0,
      error_rate: 0,
      duration_seconds: { p50: 0.2, p95: 0.5, p99: 0.9 },
      series: [{ start: iso(2 * HOUR), throughput: 120, errors: 0, p95_seconds: 0.5 }],
      top_errors: [],
    },
    {
      service: "engine",
      seen: 90,
      succeeded: 80,
      failed: 10,
      open_now: 0,
      stalled_now: 0,
      error_rate: 0.111,
      // No stage finished: the API leaves the percentiles out.
      series: [],
      top_errors: [{ status: "Error", status_msg: "", count: 10, example_request_id: "b".repeat(32) }],
    },
  ],
  flow: [
    { from: "puptoo", to: "engine", count: 90 },
    { from: "ingress", to: "puptoo", count: 96 },
  ],
})

describe("payload summaries in lists", () => {
  it("says where an upload failed, and where a stalled one waits", () => {
    expect(whereText(errorSummary())).toBe("failed in puptoo: tarfile is corrupt")
    expect(whereText(stalledSummary())).toBe(`open in puptoo since ${iso(2 * HOUR)}`)
    expect(whereText({ ...errorSummary(), outcome: "success" })).toBe("")
  })

  it("decodes a summary=true list and copies outcome and where into cells", () => {
    const body = { count: 1, elapsed: 0.01, data: [payload("c".repeat(32), stalledSummary())] }
    const list = decode(listResponse(summarizedListRow), body)
    const row = withSummaryCells(list.data[0]!)
    expect(row.outcome).toBe("stalled")
    expect(row.where).toContain("open in puptoo")
    expect(row.request_id).toBe("c".repeat(32))
  })

  it("rejects an outcome it does not know, naming the field", () => {
    const bad = { count: 1, data: [payload("c".repeat(32), { ...errorSummary(), outcome: "lost" as never })] }
    expect(() => decode(listResponse(summarizedListRow), bad)).toThrow(
      'data[0].summary.outcome is "lost", expected one of success, error, in_progress, stalled',
    )
  })

  it("keeps outcome/service/status filters in the URL state and sends summary=true", () => {
    const spec = {
      filters: ["outcome", "service", "status"],
      sortFields: ["created_at"],
      defaultSort: "created_at",
      timeField: "created_at",
      choices: { outcome: ["success", "error", "in_progress", "stalled"] },
      fixedApiParams: { summary: "true" },
    }
    const state = parseListState(new URLSearchParams("outcome=stalled&service=puptoo&status=error"), spec)
    expect(state.filters).toEqual({ outcome: "stalled", service: "puptoo", status: "error" })
    expect(parseListState(new URLSearchParams("outcome=lost"), spec).filters).toEqual({})
    const api = listStateToApiParams(state, spec, now)
    expect(api.get("summary")).toBe("true")
    expect(api.get("outcome")).toBe("stalled")
  })
})

describe("the Host page", () => {
  const answer = (): HostResponse => ({
    inventory_ids: ["inv-1"],
    system_ids: ["sys-1", "sys-2"],
    first_seen: iso(3 * HOUR),
    last_seen: iso(50_000),
    total: 3,
    succeeded: 1,
    uploads: [payload("d".repeat(32), errorSummary()), payload("e".repeat(32), stalledSummary())],
  })

  it("takes exactly one host id from the URL", () => {
    expect(parseHostQuery(new URLSearchParams("inventory_id=inv-1"))).toEqual({
      key: "inventory_id",
      value: "inv-1",
    })
    expect(parseHostQuery(new URLSearchParams("system_id=s"))).toEqual({ key: "system_id", value: "s" })
    expect(parseHostQuery(new URLSearchParams("inventory_id=a&system_id=b"))).toBeUndefined()
    expect(parseHostQuery(new URLSearchParams("inventory_id="))).toBeUndefined()
  })

  it("shows each upload's outcome, services and where, and how many are not listed", () => {
    const view = hostView(decode(hostResponse, answer()))
    expect(view.successText).toBe("1 of 3 (33%)")
    expect(view.more).toBe(1)
    expect(view.uploads.map((u) => u.outcome)).toEqual(["error", "stalled"])
    expect(view.uploads[0]!.services.map((s) => s.text)).toEqual(["success in 500 ms", "error in 5.12 s"])
    expect(view.uploads[1]!.services[1]!.text).toBe("open")
    expect(view.uploads[1]!.where).toContain("open in puptoo")
  })

  it("rejects an upload without its summary", () => {
    const body = answer()
    const { summary: _s, ...bare } = body.uploads[0]!
    expect(() => decode(hostResponse, { ...body, uploads: [bare] })).toThrow("uploads[0].summary is missing")
  })
})

describe("the Pipeline page", () => {
  it("keeps the window in the URL (24 h by default) and resolves a quick one against now", () => {
    expect(parsePipelineWindow(new URLSearchParams())).toEqual({ kind: "quick", key: "24h" })
    expect(pipelineWindowToParams({ kind: "quick", key: "24h" }).toString()).toBe("")
    expect(parsePipelineWindow(new URLSearchParams("range=1h"))).toEqual({ kind: "quick", key: "1h" })
    const since = iso(HOUR)
    expect(parsePipelineWindow(new URLSearchParams({ since }))).toEqual({
      kind: "absolute",
      since,
      until: "",
    })
    expect(parsePipelineWindow(new URLSearchParams("since=yesterday"))).toEqual({ kind: "quick", key: "24h" })
    const api = pipelineApiParams({ kind: "quick", key: "1h" }, now)
    expect(api.get("since")).toBe(new Date(now - HOUR).toISOString())
    expect(api.get("until")).toBe(new Date(now).toISOString())
  })

  it("orders services as payloads pass them, and survives a retry loop", () => {
    expect(serviceOrder(pipeline())).toEqual(["ingress", "puptoo", "engine"])
    const loop = { ...pipeline(), flow: [...pipeline().flow, { from: "engine", to: "puptoo", count: 3 }] }
    expect(serviceOrder(loop).toSorted()).toEqual(["engine", "ingress", "puptoo"])
  })

  it("builds the service table with rates, percentiles and links to the payloads behind each count", () => {
    const answer = decode(pipelineResponse, pipeline())
    const [ingress, puptoo, engine] = serviceRows(answer)
    expect(ingress!.rate).toBe("5/h")
    expect(puptoo).toMatchObject({
      errorRate: "6.25%",
      p50: "1.2 s",
      p95: "4.8 s",
      p99: "9.1 s",
      stalledNow: 1,
    })
    expect(engine!.p95).toBe("—")
    const failed = new URL(puptoo!.failedLink, "http://x")
    expect(failed.pathname).toBe("/payloads")
    expect(Object.fromEntries(failed.searchParams)).toEqual({
      service: "puptoo",
      status: "error",
      created_at_gte: answer.since,
      created_at_lte: answer.until,
    })
    expect(puptoo!.stalledLink).toBe("/payloads?outcome=stalled&service=puptoo")
  })

  it("draws a gap, not a zero, where a bucket has no p95", () => {
    const p95 = chartSeries(pipeline(), "p95_seconds")
    expect(p95.map((s) => [s.name, s.points.map((p) => p.y)])).toEqual([
      ["ingress", [0.5]],
      ["puptoo", [4.1]],
      ["engine", []],
    ])
    expect(chartSeries(pipeline(), "throughput")[1]!.points.map((p) => p.y)).toEqual([50, 46])
  })

  it("lists the flow in pipeline order with each hand-off's share", () => {
    expect(flowRows(pipeline())).toEqual([
      { from: "ingress", to: "puptoo", count: 96, share: "80%" },
      { from: "puptoo", to: "engine", count: 90, share: "93.8%" },
    ])
  })

  it("ranks the top errors across services, each linking to its service's payloads with that status", () => {
    const errors = topErrors(pipeline())
    expect(errors.map((e) => [e.service, e.count])).toEqual([
      ["engine", 10],
      ["puptoo", 5],
    ])
    expect(new URL(errors[0]!.link, "http://x").searchParams.get("status")).toBe("error")
    expect(errors[1]!.message).toBe("tarfile is corrupt")
  })

  it("rejects an answer whose bucket start is not a timestamp", () => {
    const body = pipeline()
    const broken = {
      ...body,
      services: [{ ...body.services[0]!, series: [{ start: "noon", throughput: 1, errors: 0 }] }],
    }
    expect(() => decode(pipelineResponse, broken)).toThrow(
      'services[0].series[0].start is "noon", expected an RFC 3339 timestamp',
    )
  })
})
