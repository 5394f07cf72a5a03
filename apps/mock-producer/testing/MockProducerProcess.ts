import { type ChildProcess, spawn } from "node:child_process"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const main = fileURLToPath(new URL("../src/main.ts", import.meta.url))
const packageJson = fileURLToPath(new URL("../package.json", import.meta.url))

/**
 * The node flags of package.json's `start` script (the way users are told to run it), so the tests run the
 * producer exactly as deployed: kafkajs 2.2 arms a negative timer on every throttle check, which Node 24 reports
 * as a TimeoutNegativeWarning unless silenced there.
 */
const MOCK_PRODUCER_NODE_FLAGS: ReadonlyArray<string> = (() => {
  const start = (JSON.parse(readFileSync(packageJson, "utf8")) as { scripts: { start: string } }).scripts
    .start
  const words = start.split(/\s+/)
  return words.slice(1, words.indexOf("src/main.ts"))
})()

interface MockProducerRun {
  readonly child: ChildProcess
  /** Everything printed so far. */
  readonly output: { stdout: string; stderr: string }
  /** Resolves with the first stdout line matching `pattern` (fails if the process ends first). */
  readonly line: (pattern: RegExp) => Promise<RegExpExecArray>
  readonly exited: Promise<{ code: number | null; stdout: string; stderr: string }>
  readonly stop: () => Promise<unknown>
}

/** `node src/main.ts <args>` as a real process (the mock producer as a user runs it). */
export const startMockProducer = (
  args: ReadonlyArray<string>,
  env: Record<string, string> = {},
): MockProducerRun => {
  const child = spawn(process.execPath, [...MOCK_PRODUCER_NODE_FLAGS, main, ...args], {
    env: { ...process.env, KAFKA_LOG_LEVEL: "ERROR", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  })
  const output = { stdout: "", stderr: "" }
  const waiters: Array<() => void> = []
  child.stdout?.on("data", (chunk: Buffer) => {
    output.stdout += chunk.toString()
    for (const w of waiters.splice(0)) w()
  })
  child.stderr?.on("data", (chunk: Buffer) => {
    output.stderr += chunk.toString()
  })
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.once("close", (code) => {
      for (const w of waiters.splice(0)) w()
      resolve({ code, ...output })
    }),
  )
  const line = async (pattern: RegExp): Promise<RegExpExecArray> => {
    for (;;) {
      const found = output.stdout
        .split("\n")
        .map((l) => pattern.exec(l))
        .find((m) => m !== null)
      if (found) return found
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(
          `mock producer ended without printing ${pattern}:\n${output.stdout}\n${output.stderr}`,
        )
      await new Promise<void>((resolve) => waiters.push(resolve))
    }
  }
  return {
    child,
    output,
    line,
    exited,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM")
      return exited
    },
  }
}

/** Runs the mock producer to its end; fails on a non-zero exit. */
export const runMockProducer = async (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const result = await startMockProducer(args, env).exited
  if (result.code !== 0)
    throw new Error(
      `mock producer ${args.join(" ")} exited ${result.code}:\n${result.stdout}\n${result.stderr}`,
    )
  return result
}
