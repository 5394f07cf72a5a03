import { spawn } from "node:child_process"
import { createServer as createHttpServer } from "node:http"
import { createServer, type Server } from "node:net"
import { fileURLToPath } from "node:url"
import { afterEach, describe, expect, it } from "vitest"

/** `./pt start` itself (scripts/start.ts), on ports of its own so it never meets a developer's tracker. */
const START = fileURLToPath(new URL("../../../scripts/start.ts", import.meta.url))

const listen = (server: Server, port = 0): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen({ port }, () => {
      const address = server.address()
      resolve(typeof address === "object" && address ? address.port : 0)
    })
  })

const freePort = async (): Promise<number> => {
  const probe = createServer()
  const port = await listen(probe)
  await new Promise((resolve) => probe.close(resolve))
  return port
}

const occupied: Array<Server> = []
afterEach(async () => {
  await Promise.all(occupied.splice(0).map((s) => new Promise((resolve) => s.close(resolve))))
})

/** Another program on a port: an HTTP server that answers 200 to everything, as a stranger's service would. */
const stranger = async (): Promise<number> => {
  const server = createHttpServer((_, response) => response.end("OK")) as unknown as Server
  occupied.push(server)
  return listen(server)
}

const start = async (env: Record<string, string>, until?: RegExp) => {
  const ports = {
    PUBLICPORT: await freePort(),
    METRICSPORT: await freePort(),
    MOCK_INGRESS_PORT: await freePort(),
  }
  const child = spawn(process.execPath, [START], {
    env: {
      ...process.env,
      EMBEDDED_STORE: "memory",
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  })
  let output = ""
  const collect = (chunk: Buffer) => {
    output += chunk.toString()
    if (until?.test(output)) child.kill("SIGTERM")
  }
  child.stdout.on("data", collect)
  child.stderr.on("data", collect)
  const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)))
  return { code, output }
}

describe("./pt start (scripts/start.ts) never takes another program for the tracker", () => {
  it("fails fast, naming the port and the setting, when PUBLICPORT is taken by a server that answers", async () => {
    const port = await stranger()
    const { code, output } = await start({ PUBLICPORT: String(port) })
    expect(code).toBe(1)
    expect(output).toContain(
      `port ${port} (PUBLICPORT, the API and web UI) is already in use by another process`,
    )
    expect(output).toMatch(/set PUBLICPORT to another port, e\.g\. PUBLICPORT=\d+ \.\/pt start/)
    expect(output).not.toContain("is running")
    // Nothing was started: the stranger got no traffic and no API tried to bind.
    expect(output).not.toContain("starting the API")
  }, 60_000)

  it.each(["METRICSPORT", "MOCK_INGRESS_PORT"])(
    "fails fast when %s is taken",
    async (setting) => {
      const port = await stranger()
      const { code, output } = await start({ [setting]: String(port) })
      expect(code).toBe(1)
      expect(output).toContain(`port ${port} (${setting}, `)
      expect(output).toContain("already in use by another process")
      expect(output).not.toContain("is running")
    },
    60_000,
  )

  it("fails when two settings name the same port", async () => {
    const port = await freePort()
    const { code, output } = await start({ PUBLICPORT: String(port), METRICSPORT: String(port) })
    expect(code).toBe(1)
    expect(output).toContain(`METRICSPORT and PUBLICPORT are both ${port}`)
  }, 60_000)

  it("fails when the API exits before it is ready", async () => {
    const { code, output } = await start({ LOGLEVEL: "not-a-level" })
    expect(code).toBe(1)
    expect(output).toContain("the API exited before it was ready (exit code 1)")
    expect(output).not.toContain("is running")
  }, 60_000)

  it("says it is running only once its own API said so, and stops cleanly", async () => {
    const { code, output } = await start({}, /Press Ctrl-C to stop/)
    expect(output).toContain("Payload Tracker is running")
    expect(code).toBe(0)
  }, 120_000)
})
