import type { ChildProcess } from "node:child_process"

/**
 * Everything a child process writes, stdout and stderr kept apart (interleaving them could split a line), for
 * tests that check every line is a JSON log record. Attach right after spawning, before any I/O turn.
 */
export const captureOutput = (child: ChildProcess) => {
  const text = { stdout: "", stderr: "" }
  child.stdout?.on("data", (chunk: Buffer) => {
    text.stdout += chunk.toString("utf8")
  })
  child.stderr?.on("data", (chunk: Buffer) => {
    text.stderr += chunk.toString("utf8")
  })
  const lines = () =>
    [
      ...text.stdout.split("\n").map((line) => ({ stream: "stdout", line })),
      ...text.stderr.split("\n").map((line) => ({ stream: "stderr", line })),
    ].filter((l) => l.line !== "")
  return { lines }
}

/**
 * The lines that are not one JSON log record in the app's format (Effect's `Logger.consoleJson`: an object with
 * `message`, `level` and `timestamp`), i.e. what a log shipper would mangle.
 */
export const notJsonLogLines = (lines: ReadonlyArray<{ stream: string; line: string }>) =>
  lines.filter(({ line }) => {
    try {
      const record = JSON.parse(line) as Record<string, unknown> | null
      return (
        typeof record !== "object" ||
        record === null ||
        typeof record.level !== "string" ||
        typeof record.timestamp !== "string" ||
        record.message === undefined
      )
    } catch {
      return true
    }
  })
