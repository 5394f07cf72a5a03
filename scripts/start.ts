/**
 * `./pt start`: the whole tracker on one machine with no external servers. Runs the API with its embedded
 * store and HTTP ingest, then the mock producer (pipeline simulation through HTTP ingest, plus the ingress and
 * storage-broker stand-ins), prints where to look, and stops both cleanly on Ctrl-C.
 *
 * It never mistakes another program for the tracker: every port is checked free before anything starts, the
 * API is taken as up only when the API process itself says so over its IPC channel (an answer on the port
 * could come from anyone), and a child that exits before it is ready fails the start, naming the port and
 * the setting to change when a port is the reason.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { createServer } from "node:net"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { withNodeOptions } from "../packages/runtime/src/NodeFlags.ts"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const log = (line: string) => process.stderr.write(`\x1b[1m[start]\x1b[0m ${line}\n`)

class StartError extends Error {}

interface PortSetting {
  readonly setting: string
  readonly what: string
  readonly port: number
}

const portSetting = (setting: string, what: string, fallback: number): PortSetting => {
  const raw = process.env[setting]
  const port = raw === undefined || raw.trim() === "" ? fallback : Number(raw)
  if (!Number.isInteger(port) || port < 1 || port > 65_535) {
    log(`${setting} must be a port number from 1 to 65535, got ${JSON.stringify(raw)}`)
    process.exit(1)
  }
  return { setting, what, port }
}

const apiPort = portSetting("PUBLICPORT", "the API and web UI", 8080)
const metricsPort = portSetting("METRICSPORT", "the API's metrics", 9000)
const ingressPort = portSetting("MOCK_INGRESS_PORT", "the ingress and storage-broker stand-ins", 8081)
const ports = [apiPort, metricsPort, ingressPort]
const api = `http://localhost:${apiPort.port}`
const ingress = `http://localhost:${ingressPort.port}`

/** Whether this process could listen on `port` the way the API and the stand-ins do (every address). */
const canListen = (port: number): Promise<NodeJS.ErrnoException | undefined> =>
  new Promise((resolve) => {
    const probe = createServer()
    probe.once("error", (error: NodeJS.ErrnoException) => resolve(error))
    probe.listen({ port, exclusive: true }, () => probe.close(() => resolve(undefined)))
  })

const freePortNear = async (port: number): Promise<number | undefined> => {
  const taken = new Set(ports.map((p) => p.port))
  for (let candidate = port + 10; candidate < Math.min(port + 200, 65_536); candidate++) {
    if (!taken.has(candidate) && (await canListen(candidate)) === undefined) return candidate
  }
  return undefined
}

const portProblem = async ({ setting, what, port }: PortSetting): Promise<string | undefined> => {
  const error = await canListen(port)
  if (error === undefined) return undefined
  const reason =
    error.code === "EADDRINUSE"
      ? "is already in use by another process"
      : error.code === "EACCES"
        ? "may not be opened by this user"
        : `cannot be opened (${error.code ?? error.message})`
  const suggestion = await freePortNear(port)
  return (
    `port ${port} (${setting}, ${what}) ${reason}; stop that process or set ${setting} to another port` +
    (suggestion === undefined ? "" : `, e.g. ${setting}=${suggestion} ./pt start`)
  )
}

/** Every port free and distinct before anything starts, else one clear message per problem. */
const checkPorts = async (): Promise<void> => {
  const problems: Array<string> = []
  for (const [i, p] of ports.entries()) {
    const other = ports.slice(0, i).find((q) => q.port === p.port)
    if (other) problems.push(`${p.setting} and ${other.setting} are both ${p.port}; give each its own port`)
  }
  if (problems.length === 0) {
    for (const p of ports) {
      const problem = await portProblem(p)
      if (problem) problems.push(problem)
    }
  }
  if (problems.length > 0) throw new StartError(problems.join("\n        "))
}

/** Why a child exited before it was ready: a port taken since the check, else its own output says why. */
const exitedEarly = async (
  name: string,
  code: number | null,
  signal: string | null,
  mine: Array<PortSetting>,
) => {
  for (const p of mine) {
    const problem = await portProblem(p)
    if (problem) return new StartError(`${name} could not start: ${problem}`)
  }
  return new StartError(
    `${name} exited before it was ready (${signal ?? `exit code ${code}`}); its output above says why`,
  )
}

const children: Array<{ name: string; child: ChildProcess }> = []
let stopping = false
/** Everything is up: from here a child's exit stops the rest (before, the start sequence reports it). */
let started = false

const run = (name: string, script: string, args: Array<string>, env: Record<string, string>) => {
  const child = spawn(process.execPath, [join(root, script), ...args], {
    cwd: root,
    // The V8 heap limits the image and the deploy manifests run with (packages/runtime/src/NodeFlags.ts).
    env: withNodeOptions({ ...process.env, ...env }),
    // The IPC channel carries the API's own "ready" (see apps/api/src/embedded.ts).
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  })
  child.on("exit", (code, signal) => {
    if (stopping || !started) return
    // Ctrl-C in a terminal reaches every process of the group; a child may notice it before we do.
    if (signal === "SIGINT" || code === 130) return void stop(0)
    log(`${name} stopped unexpectedly (${signal ?? `exit code ${code}`}); stopping the rest`)
    void stop(1)
  })
  children.push({ name, child })
  return child
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

/** Resolves when `ready` does; rejects with the reason when the child exits first or time runs out. */
const untilReady = async <A>(
  name: string,
  child: ChildProcess,
  ready: Promise<A>,
  mine: Array<PortSetting>,
  timeoutMs: number,
): Promise<A> => {
  const since = Date.now()
  const timers: Array<NodeJS.Timeout> = []
  let onExit: ((code: number | null, signal: string | null) => void) | undefined
  try {
    return await new Promise<A>((resolve, reject) => {
      timers.push(
        setInterval(() => log(`waiting for ${name} (${Math.round((Date.now() - since) / 1000)} s)…`), 5_000),
        setTimeout(
          () => reject(new StartError(`${name} did not become ready within ${timeoutMs / 1000} s`)),
          timeoutMs,
        ),
      )
      onExit = (code, signal) => void exitedEarly(name, code, signal, mine).then(reject)
      child.once("exit", onExit)
      ready.then(resolve, reject)
    })
  } finally {
    for (const timer of timers) clearTimeout(timer)
    if (onExit) child.off("exit", onExit)
  }
}

/** The API process's own ready message: sent once both its servers listen (nobody else can send it). */
const apiReady = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    child.on("message", (message: { readonly type?: string }) => {
      if (message?.type === "payload-tracker-api-ready") resolve()
    })
  })

/** The stand-ins' /health: ours, since the port was free when the check ran and their process is alive. */
const httpReady = async (url: string, child: ChildProcess): Promise<void> => {
  while (child.exitCode === null && child.signalCode === null) {
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
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
  await checkPorts()
  const store =
    process.env.EMBEDDED_STORE === "memory"
      ? "in-memory store"
      : `embedded store in ${process.env.EMBEDDED_DATA_DIR ?? ".data/embedded"}`
  log(`starting the API on ${api} (${store})`)
  const apiChild = run("api", "apps/api/src/embedded.ts", [], {
    PUBLICPORT: String(apiPort.port),
    METRICSPORT: String(metricsPort.port),
    STORAGEBROKERURL: process.env.STORAGEBROKERURL ?? `${ingress}/archive/url`,
  })
  await untilReady("the API", apiChild, apiReady(apiChild), [apiPort, metricsPort], 180_000)
  log(
    `starting the mock producer (pipeline simulation → ${api}/api/v1/statuses; ingress stand-in on ${ingress})`,
  )
  const producer = run(
    "mock-producer",
    "apps/mock-producer/src/main.ts",
    ["serve", "--output", "http", "--api", api, "--port", String(ingressPort.port)],
    {},
  )
  await untilReady(
    "the mock producer",
    producer,
    httpReady(`${ingress}/health`, producer),
    [ingressPort],
    60_000,
  )
  started = true
  // A child that exited in the meantime, now that its exit handler no longer defers to the start sequence.
  for (const { name, child } of children) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new StartError(`${name} stopped (${child.signalCode ?? `exit code ${child.exitCode}`})`)
    }
  }
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
    `  metrics       http://localhost:${metricsPort.port}/metrics`,
    `  upload        curl -F "file=@archive.tar.gz;type=application/vnd.redhat.advisor.collection+tgz" ${ingress}/api/ingress/v1/upload`,
    "Press Ctrl-C to stop.",
    "",
  ]
  process.stderr.write(`${lines.join("\n")}\n`)
}

main().catch((error: unknown) => {
  // Ctrl-C during the start makes the children exit early too: that is no failure to report.
  if (stopping) return
  log(
    error instanceof StartError
      ? `failed: ${error.message}`
      : `failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  )
  void stop(1)
})
