import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

const run = promisify(execFile)
const script = fileURLToPath(new URL("../../../scripts/kafka.sh", import.meta.url))

/** A broker the tests can use; `restart` is only possible for a broker this helper started. */
export interface TestBroker {
  readonly bootstrapServers: string
  /** The scripts/kafka.sh instance name, or "" for a broker given through KAFKA_BOOTSTRAP_SERVERS. */
  readonly instance: string
}

const kafkaSh = async (instance: string, ...args: Array<string>) => {
  const { stdout } = await run("bash", [script, ...args], {
    env: { ...process.env, KAFKA_INSTANCE: instance },
    timeout: 180_000,
    maxBuffer: 1 << 20,
  })
  return stdout
}

const parseBootstrap = (stdout: string): string => {
  const line = stdout.split("\n").find((l) => l.startsWith("KAFKA_BOOTSTRAP_SERVERS="))
  if (line === undefined) throw new Error(`scripts/kafka.sh printed no KAFKA_BOOTSTRAP_SERVERS: ${stdout}`)
  return line.slice("KAFKA_BOOTSTRAP_SERVERS=".length).trim()
}

/** Starts a throwaway broker through scripts/kafka.sh (jars fetched on first use). */
export const startBroker = async (instance: string): Promise<TestBroker> => ({
  bootstrapServers: parseBootstrap(await kafkaSh(instance, "start")),
  instance,
})

export const stopBroker = async (instance: string, keepData = false): Promise<void> => {
  await kafkaSh(instance, "stop", ...(keepData ? ["--keep-data"] : []))
}

/** Stops the broker keeping its data and port, waits `downMs`, starts it again (fault tests). */
export const restartBroker = async (broker: TestBroker, downMs = 0): Promise<void> => {
  if (broker.instance === "") throw new Error("cannot restart a broker given through KAFKA_BOOTSTRAP_SERVERS")
  await stopBroker(broker.instance, true)
  await new Promise((resolve) => setTimeout(resolve, downMs))
  await startBroker(broker.instance)
}

/**
 * The broker for a test run: KAFKA_BOOTSTRAP_SERVERS when set, else one started for this run and stopped by
 * `stop`. When CI=true a broker that cannot start is an error (never a silent skip); elsewhere it throws too,
 * with the reason, so a developer without Java sees why.
 */
export const acquireTestBroker = async (): Promise<{ broker: TestBroker; stop: () => Promise<void> }> => {
  const given = process.env.KAFKA_BOOTSTRAP_SERVERS
  if (given !== undefined && given !== "") {
    return { broker: { bootstrapServers: given, instance: "" }, stop: async () => {} }
  }
  const instance = `vitest-${process.pid}`
  try {
    const broker = await startBroker(instance)
    return { broker, stop: () => stopBroker(instance) }
  } catch (error) {
    await stopBroker(instance).catch(() => undefined)
    const stderr = (error as { stderr?: string }).stderr ?? ""
    throw new Error(
      `could not start a Kafka broker with scripts/kafka.sh (needs java 17 and mvn): ${String(error)}\n${stderr}`,
    )
  }
}
