import type { ChildProcess } from "node:child_process"
import { fileURLToPath } from "node:url"
import { freePort, type ProcessExit, spawnAppProcess } from "@pt/consumer/testing/ConsumerProcess"

const main = fileURLToPath(new URL("../../../apps/api/src/main.ts", import.meta.url))

/** The API app as a real OS process (`node apps/api/src/main.ts`) on free ports. */
export interface ApiProcess {
  readonly child: ChildProcess
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string
  readonly stop: () => Promise<ProcessExit>
}

export const startApi = async (env: Record<string, string>, logFile?: string): Promise<ApiProcess> => {
  const port = await freePort()
  const { child, exited } = spawnAppProcess(
    [main],
    { ...env, PUBLICPORT: String(port), METRICSPORT: String(await freePort()) },
    logFile,
  )
  const api: ApiProcess = {
    child,
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM")
      return exited
    },
  }
  const deadline = Date.now() + 60_000
  for (;;) {
    const status = await fetch(`${api.url}/ready`).then(
      (r) => r.status,
      () => 0,
    )
    if (status === 200) return api
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode}`)
    if (Date.now() > deadline) {
      await api.stop()
      throw new Error(`API not ready in time (last /ready: ${status})`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
