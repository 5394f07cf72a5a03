import { type ChildProcess, spawn } from "node:child_process"
import { createWriteStream } from "node:fs"
import { createServer } from "node:net"
import { fileURLToPath } from "node:url"
import { CONSUMER_HEAP_FLAGS } from "@pt/runtime/NodeFlags"

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url))

/**
 * The V8 flags the consumer is deployed with: its heap limits from @pt/runtime/NodeFlags (the NODE_OPTIONS of
 * its deployments). A batch's objects live long enough to be promoted, so without a cap V8 lets the old space grow
 * to hundreds of MB between major GCs; with these the live set (≈ 50 MB) stays close to the heap.
 */
export const CONSUMER_NODE_FLAGS = [
  ...CONSUMER_HEAP_FLAGS,
  // kafkajs 2.2 arms a timer with a negative delay on every throttle check (harmless, but one warning per process)
  "--disable-warning=TimeoutNegativeWarning",
]

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = createServer()
    s.once("error", reject)
    s.listen(0, "127.0.0.1", () => {
      const address = s.address()
      s.close(() => resolve(typeof address === "object" && address ? address.port : 0))
    })
  })

/** The consumer app as a real OS process (`node src/main.ts`), for kill/restart tests and the benchmark. */
export interface ConsumerProcess {
  readonly child: ChildProcess
  readonly metricsPort: number
  readonly exited: Promise<ProcessExit>
  readonly health: (path: "/ready" | "/live") => Promise<number>
  /** Status and JSON body of `/ready` or `/live` (status 0 and an empty body when it does not answer). */
  readonly healthReport: (
    path: "/ready" | "/live",
  ) => Promise<{ readonly status: number; readonly body: Record<string, unknown> }>
  readonly metrics: () => Promise<string>
  readonly stop: (signal?: NodeJS.Signals) => Promise<ProcessExit>
}

export type ProcessExit = { code: number | null; signal: NodeJS.Signals | null }

/**
 * Spawns a node entry point of this repo as a real OS process with quiet logs, its output to `logFile` (else
 * drained). Shared by the consumer's tests and the end-to-end tests' API process.
 */
export const spawnAppProcess = (
  args: ReadonlyArray<string>,
  env: Record<string, string>,
  logFile?: string,
): { child: ChildProcess; exited: Promise<ProcessExit> } => {
  const child = spawn(process.execPath, [...args], {
    env: { ...process.env, LOGLEVEL: "WARN", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  })
  if (logFile !== undefined) {
    const out = createWriteStream(logFile, { flags: "a" })
    child.stdout?.pipe(out)
    child.stderr?.pipe(out)
  } else {
    child.stdout?.resume()
    child.stderr?.resume()
  }
  const exited = new Promise<ProcessExit>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  )
  return { child, exited }
}

export const startConsumer = async (
  env: Record<string, string>,
  logFile?: string,
  nodeFlags: ReadonlyArray<string> = CONSUMER_NODE_FLAGS,
): Promise<ConsumerProcess> => {
  const metricsPort = await freePort()
  const { child, exited } = spawnAppProcess(
    [...nodeFlags, main],
    { KAFKA_LOG_LEVEL: "ERROR", ...env, METRICSPORT: String(metricsPort) },
    logFile,
  )
  const base = `http://127.0.0.1:${metricsPort}`
  const health = (path: "/ready" | "/live") =>
    fetch(`${base}${path}`).then(
      (r) => r.status,
      () => 0,
    )
  return {
    child,
    metricsPort,
    exited,
    health,
    healthReport: (path) =>
      fetch(`${base}${path}`).then(
        async (r) => ({ status: r.status, body: (await r.json()) as Record<string, unknown> }),
        () => ({ status: 0, body: {} }),
      ),
    metrics: () => fetch(`${base}/metrics`).then((r) => r.text()),
    stop: async (signal: NodeJS.Signals = "SIGTERM") => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
      return exited
    },
  }
}

/** Waits until the consumer answers /ready with 200 (it joined its group and the store answers). */
export const untilReady = async (consumer: ConsumerProcess, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs
  while ((await consumer.health("/ready")) !== 200) {
    if (consumer.child.exitCode !== null) throw new Error(`consumer exited with ${consumer.child.exitCode}`)
    if (Date.now() > deadline) throw new Error("consumer not ready in time")
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** A metric's value from Prometheus text (first sample of that exact name, label-less). */
export const metricValue = (text: string, name: string): number => {
  const line = text.split("\n").find((l) => l.startsWith(`${name} `))
  return line === undefined ? Number.NaN : Number(line.slice(name.length + 1))
}
