import { type ChildProcess, spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"

/**
 * Starts the real API (apps/api's server entry) with the in-memory store on free ports, serving this app's
 * build (WEB_DIST_DIR), and stops it afterwards. `PT_E2E_BASE_URL` points the tests at a tracker that is
 * already running instead (it must serve this build and accept HTTP ingest).
 */
export interface RunningApi {
  readonly origin: string
  readonly stop: () => Promise<void>
}

const root = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url))
const WEB_DIST = fileURLToPath(new URL("../dist", import.meta.url))
const API_ENTRY = process.env.PT_API_ENTRY ?? root("apps/api/src/main.ts")

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      )
    })
  })

const waitUntilServing = async (origin: string, child: ChildProcess, output: () => string): Promise<void> => {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API exited with code ${child.exitCode}:\n${output()}`)
    try {
      const response = await fetch(`${origin}/app/payload-tracker/api/v1/`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`the API did not answer within 60 s:\n${output()}`)
}

export const startApi = async (): Promise<RunningApi> => {
  const external = process.env.PT_E2E_BASE_URL
  if (external) return { origin: external.replace(/\/$/, ""), stop: async () => {} }
  if (!existsSync(`${WEB_DIST}/index.html`))
    throw new Error(`no build at ${WEB_DIST}: run \`pnpm --filter @pt/web build\``)
  if (!existsSync(API_ENTRY))
    throw new Error(`the API's server entry ${API_ENTRY} does not exist (set PT_API_ENTRY)`)
  const [port, metricsPort] = [await freePort(), await freePort()]
  const env: Record<string, string | undefined> = {
    ...process.env,
    PUBLICPORT: String(port),
    METRICSPORT: String(metricsPort),
    WEB_DIST_DIR: WEB_DIST,
    REQUESTOR_IMPL: "mock",
    LOGLEVEL: "WARN",
  }
  // The memory store is chosen when no database is configured: never touch a developer's database.
  for (const name of Object.keys(env))
    if (name === "DATABASE_URL" || name.startsWith("DB_") || name === "ACG_CONFIG") delete env[name]
  const child = spawn(process.execPath, [API_ENTRY], { env, stdio: ["ignore", "pipe", "pipe"] })
  let log = ""
  const collect = (chunk: Buffer) => {
    log = `${log}${chunk.toString()}`.slice(-20_000)
  }
  child.stdout?.on("data", collect)
  child.stderr?.on("data", collect)
  const origin = `http://127.0.0.1:${port}`
  try {
    await waitUntilServing(origin, child, () => log)
  } catch (error) {
    child.kill("SIGKILL")
    throw error
  }
  return {
    origin,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve()
        const timer = setTimeout(() => child.kill("SIGKILL"), 5_000)
        child.once("exit", () => {
          clearTimeout(timer)
          resolve()
        })
        child.kill("SIGTERM")
      }),
  }
}
