import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { errorBody, get, type RunningApi, startApi } from "../testing/TestServer.ts"

const PREFIXES = ["/api/v1", "/app/payload-tracker/api/v1"]

describe("system routes, mounting, errors, static UI, metrics", () => {
  let api: RunningApi
  let dist: string
  beforeAll(async () => {
    dist = mkdtempSync(join(tmpdir(), "pt-web-"))
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>ui</title>")
    writeFileSync(join(dist, "app.js"), "console.log(1)")
    api = await startApi({ settings: { webDistDir: dist } })
  })
  afterAll(() => api.close())

  it.each(["/", ...PREFIXES.map((p) => `${p}/`)])("GET %s answers lubdub", async (path) => {
    const r = await get(api.url, path)
    expect(r.status).toBe(200)
    expect(r.type).toMatch(/^text\/plain/)
    expect(r.text).toBe("lubdub")
  })

  it.each(["/health", "/live", "/ready"])("GET %s answers OK", async (path) => {
    const r = await get(api.url, path)
    expect([r.status, r.text]).toEqual([200, "OK"])
  })

  it.each(PREFIXES)("serves openapi.json and an offline Swagger page under %s", async (prefix) => {
    const spec = await get(api.url, `${prefix}/openapi.json`)
    expect(spec.status).toBe(200)
    const doc = spec.body as { openapi: string; paths: Record<string, unknown> }
    expect(doc.openapi).toMatch(/^3\./)
    for (const path of [
      "/api/v1/payloads",
      "/api/v1/payloads/{request_id}",
      "/api/v1/statuses",
      "/api/v1/stats",
    ]) {
      expect(doc.paths).toHaveProperty([path])
    }
    expect(doc.paths).toHaveProperty(["/api/v1/payloads/{request_id}/events"])
    // The cursor-paged lists declare their Link rel="next" response header.
    for (const path of ["/api/v1/payloads", "/api/v1/statuses"])
      expect(doc.paths).toHaveProperty(
        [path, "get", "responses", "200", "headers", "Link", "schema", "type"],
        "string",
      )
    const docs = await get(api.url, `${prefix}/docs`)
    expect(docs.status).toBe(200)
    expect(docs.text).toContain("SwaggerUIBundle")
    expect(docs.text).not.toMatch(/<script[^>]+src=["']https?:/)
  })

  it("answers an unknown path with 404 JSON, also under the API prefix", async () => {
    for (const path of ["/nope", "/api/v1/nope", "/app/payload-tracker/api/v1/nope"]) {
      const r = await get(api.url, path, { accept: "text/html" })
      expect(r.status).toBe(404)
      expect(r.body).toMatchObject({ title: "Not Found", status: 404 })
      expect(Object.keys(r.body as object)).toEqual(["title", "message", "status"])
    }
  })

  it("answers a known path with the wrong method with 405 JSON", async () => {
    for (const prefix of PREFIXES) {
      const r = await fetch(`${api.url}${prefix}/payloads`, { method: "DELETE" })
      expect(r.status).toBe(405)
      expect(await r.json()).toMatchObject({ title: "Method Not Allowed", status: 405 })
    }
  })

  it("serves the UI with SPA fallback and redirects the app root", async () => {
    const root = await get(api.url, "/app/payload-tracker")
    expect(root.status).toBe(302)
    expect(root.response.headers.get("location")).toBe("/app/payload-tracker/payloads")
    const deep = await get(api.url, "/app/payload-tracker/payloads/abc", { accept: "text/html" })
    expect([deep.status, deep.text]).toEqual([200, "<!doctype html><title>ui</title>"])
    const asset = await get(api.url, "/app/payload-tracker/app.js")
    expect([asset.status, asset.text]).toEqual([200, "console.log(1)"])
    expect((await get(api.url, "/app/payload-tracker/missing.js")).status).toBe(404)
  })

  it("explains how to build the UI when the build directory is missing", async () => {
    const bare = await startApi({ settings: { webDistDir: join(dist, "does-not-exist") } })
    try {
      const r = await get(bare.url, "/app/payload-tracker/payloads", { accept: "text/html" })
      expect(r.status).toBe(200)
      expect(r.text).toContain("pnpm --filter @pt/web build")
    } finally {
      await bare.close()
    }
  })

  it("exposes Prometheus metrics with the dashboard names on the metrics port", async () => {
    await get(api.url, "/api/v1/payloads")
    await get(api.url, "/api/v1/payloads?page=x")
    const text = await (await fetch(api.metricsUrl)).text()
    for (const name of [
      "payload_tracker_requests",
      'payload_tracker_responses{code="200"}',
      'payload_tracker_responses{code="400"}',
      "payload_tracker_db_seconds_bucket",
      "payload_tracker_api_invalid_request_IDs",
      "payload_tracker_messages_processed",
      "process_cpu_user_seconds_total",
    ]) {
      expect(text).toContain(name)
    }
  })

  it("uses the error body for undecodable query parameters", async () => {
    const r = await get(api.url, "/api/v1/payloads?page=1&page=2")
    expect(r.status).toBe(400)
    expect(Object.keys(r.body as object)).toEqual(["title", "message", "status"])
    expect(errorBody(400, "Bad Request", (r.body as { message: string }).message)).toEqual(r.body)
  })
})
