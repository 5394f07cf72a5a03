/**
 * `./pt start`: the whole tracker on one machine with no external servers. Runs the API with its embedded
 * store and HTTP ingest, then the mock producer (pipeline simulation through HTTP ingest, plus the ingress and
 * storage-broker stand-ins), prints where to look, and stops both cleanly on Ctrl-C.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const apiPort = Number(process.env.PUBLICPORT ?? 8080)
const metricsPort = Number(process.env.METRICSPORT ?? 9000)
const ingressPort = Number(process.env.MOCK_INGRESS_PORT ?? 8081)
const api = `http://localhost:${apiPort}`
const ingress = `http://localhost:${ingressPort}`
const log = (line: string) => process.stderr.write(`\x1b[1m[start]\x1b[0m ${line}\n`)

const children: Array<{ name: string; child: ChildProcess }> = []
let stopping = false

const run = (name: string, script: string, args: Array<string>, env: Record<string, string>) => {
  const child = spawn(process.execPath, [join(root, script), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "inherit", "inherit"],
  })
  child.on("exit", (code, signal) => {
    if (stopping) return
    // Ctrl-C in a terminal reaches every process of the group; a child may notice it before we do.
    if (signal === "SIGINT" || code === 130) return void stop(0)
    log(`${name} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping the rest`)
    void stop(1)
  })
  children.push({ name, child })
}

const stop = async (code: number) => {
  if (stopping) return
  stopping = true
  log("stopping…")
  // Reverse order: traffic first, then the API, so no status is sent to a closed endpoint.
  for (const { child } of [...children].reverse()) {
    if (child.exitCode !== null) continue
    child.kill("SIGTERM")
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL")
        resolve()
      }, 10_000)
      child.once("exit", () => {
        clearTimeout(timer)
        resolve()
      })
    })
  }
  process.exit(code)
}
process.on("SIGINT", () => void stop(0))
process.on("SIGTERM", () => void stop(0))

const waitFor = async (url: string, what: string, timeoutMs: number): Promise<void> => {
  const started = Date.now()
  let lastNotice = 0
  while (Date.now() - started < timeoutMs) {
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    if (Date.now() - lastNotice > 5_000) {
      log(`waiting for ${what} (${Math.round((Date.now() - started) / 1000)} s)…`)
      lastNotice = Date.now()
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`${what} did not become ready at ${url} within ${timeoutMs / 1000} s`)
}

const firstRequestId = async (): Promise<string | undefined> => {
  for (let i = 0; i < 40; i++) {
    try {
      const body = (await (await fetch(`${api}/api/v1/payloads?page_size=1`)).json()) as {
        data?: Array<{ request_id: string }>
      }
      if (body.data?.[0]) return body.data[0].request_id
    } catch {
      // keep waiting
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  return undefined
}

const main = async () => {
  log(`starting the API on ${api} (embedded store in .data/embedded)`)
  run("api", "apps/api/src/embedded.ts", [], {
    PUBLICPORT: String(apiPort),
    METRICSPORT: String(metricsPort),
    STORAGEBROKERURL: process.env.STORAGEBROKERURL ?? `${ingress}/archive/url`,
  })
  await waitFor(`${api}/ready`, "the API", 180_000)
  log(
    `starting the mock producer (pipeline simulation → ${api}/api/v1/statuses; ingress stand-in on ${ingress})`,
  )
  run(
    "mock-producer",
    "apps/mock-producer/src/main.ts",
    ["serve", "--output", "http", "--api", api, "--port", String(ingressPort)],
    {},
  )
  await waitFor(`${ingress}/health`, "the ingress stand-in", 60_000)
  const id = await firstRequestId()
  const lines = [
    "",
    "Payload Tracker is running. Where to look:",
    `  payloads      ${api}/api/v1/payloads`,
    `  statuses      ${api}/api/v1/statuses`,
    ...(id
      ? [
          `  one payload   ${api}/api/v1/payloads/${id}`,
          `  track it      ${api}/app/payload-tracker/track?request_id=${id}`,
        ]
      : []),
    `  web UI        ${api}/app/payload-tracker`,
    `  API docs      ${api}/api/v1/docs   (OpenAPI: ${api}/api/v1/openapi.json)`,
    `  metrics       http://localhost:${metricsPort}/metrics`,
    `  upload        curl -F "file=@archive.tar.gz;type=application/vnd.redhat.advisor.collection+tgz" ${ingress}/api/ingress/v1/upload`,
    "Press Ctrl-C to stop.",
    "",
  ]
  process.stderr.write(`${lines.join("\n")}\n`)
}

main().catch((error: unknown) => {
  log(`failed: ${error instanceof Error ? error.message : String(error)}`)
  void stop(1)
})
