import { Effect, type Layer, ManagedRuntime } from "effect"
import { HttpServer } from "effect/http"
import { type ApiSettings, apiConfigFrom } from "../src/Config.ts"
import { MetricsServer } from "../src/Metrics.ts"
import { makeApiLayer } from "../src/Server.ts"
import { MemoryStoreLayer, type StorePorts } from "../src/Store.ts"

export interface RunningApi {
  /** e.g. http://127.0.0.1:43121 */
  readonly url: string
  readonly metricsUrl: string
  readonly close: () => Promise<void>
}

/**
 * The real API server on free ports (PUBLICPORT=0, METRICSPORT=0), over the memory store unless a store layer
 * is given; tests talk to it with fetch.
 */
export const startApi = async (
  options: { readonly settings?: Partial<ApiSettings>; readonly store?: Layer.Layer<StorePorts> } = {},
): Promise<RunningApi> => {
  const config = apiConfigFrom({ publicPort: 0, metricsPort: 0, logLevel: "None", ...options.settings })
  const runtime = ManagedRuntime.make(makeApiLayer({ config, store: options.store ?? MemoryStoreLayer }))
  const { port, metricsPort } = await runtime.runPromise(
    Effect.gen(function* () {
      const server = yield* HttpServer.HttpServer
      const metrics = yield* MetricsServer
      const address = server.address
      return { port: "port" in address ? address.port : 0, metricsPort: metrics.port }
    }),
  )
  return {
    url: `http://127.0.0.1:${port}`,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    close: () => runtime.dispose(),
  }
}

/** GET `path` and return status, content type and the parsed JSON body (or text). */
export const get = async (base: string, path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${base}${path}`, { headers, redirect: "manual" })
  const text = await response.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {}
  return { status: response.status, type: response.headers.get("content-type") ?? "", body, text, response }
}

export const post = async (base: string, path: string, body: string) => {
  const response = await fetch(`${base}${path}`, {
    method: "POST",
    body,
    headers: { "content-type": "application/json" },
  })
  const text = await response.text()
  let json: unknown = text
  try {
    json = JSON.parse(text)
  } catch {}
  return { status: response.status, body: json, text }
}

export const errorBody = (status: number, title: string, message: string) => ({ title, message, status })

/** A payload list item's keys, in the order existing clients expect (the Go service's). */
export const PAYLOAD_ITEM_KEYS = [
  "id",
  "request_id",
  "account",
  "inventory_id",
  "system_id",
  "created_at",
  "org_id",
]
