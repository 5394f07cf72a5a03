import { parseArgs } from "node:util"
import { randomSeed } from "./Random.ts"
import { parseScenario, SCENARIO_NAMES, SCENARIOS, type ScenarioName } from "./Scenarios.ts"
import { defaultTraceOptions } from "./Trace.ts"
import { DEFAULT_MIX, type Mix, parseMix } from "./Traffic.ts"

export const USAGE = `Usage: node apps/mock-producer/src/main.ts <mode> [options]

Modes
  single   one payload through --scenario, paced in real time; prints its request_id and tracker links
  load     --rate N per second of --unit uploads|statuses, for --duration or --count;
           --max = as fast as possible (--count and the summary in statuses)
  replay   send the JSON lines of --file (at --rate statuses/s, or as fast as possible)
  serve    ingress + storage-broker stand-ins on --port, plus background traffic at --rate uploads/s (0 = none)

Output
  --output kafka|http|stdout   default kafka (env MOCK_OUTPUT)
  --api URL                    tracker for http output and links (default http://localhost:8080, env PT_API_URL)
  --prefix PATH                API prefix (default /api/v1)
  --brokers LIST --topic NAME  Kafka (default env KAFKA_BOOTSTRAP_SERVERS / KAFKA_TOPIC, platform.payload-status)
  --batch-size N --concurrency N   records per send (500) and sends in flight (4)

Traffic
  --scenario X      single: ${SCENARIO_NAMES.map((k) => `${k}=${SCENARIOS[k].name}`).join(", ")}
  --mix A=80,B=5    scenario weights (default ${Object.entries(DEFAULT_MIX)
    .map(([k, v]) => `${k}=${v}`)
    .join(",")})
  --noise P         probability of a noise record (invalid id, malformed) after each record (default 0)
  --duplicates P    payloads with a redelivered received (default ${defaultTraceOptions.duplicateRate})
  --swaps P         adjacent records sent swapped (default ${defaultTraceOptions.swapRate})
  --seed N          reproducible traffic
  --rate N --unit uploads|statuses --duration 30s|5m --count N --max --no-progress

Stand-ins (serve)
  --port N (8081)  --public-url URL  --data-dir DIR (.data/mock-producer)  --deny-orgs 1,2
  --max-upload-size BYTES (104857600; qpc gets 150 MiB)
`

export interface CliConfig {
  readonly mode: "single" | "load" | "replay" | "serve"
  readonly output: "kafka" | "http" | "stdout"
  readonly api: string
  readonly prefix: string
  readonly brokers: string | undefined
  readonly topic: string | undefined
  readonly batchSize: number
  readonly concurrency: number
  readonly scenario: ScenarioName
  readonly mix: Mix
  readonly noise: number
  readonly duplicates: number
  readonly swaps: number
  readonly seed: number
  readonly rate: number | undefined
  readonly unit: "uploads" | "statuses"
  readonly durationMs: number | undefined
  readonly count: number | undefined
  readonly max: boolean
  readonly progress: boolean
  readonly file: string | undefined
  readonly port: number
  readonly publicUrl: string
  readonly dataDir: string
  readonly denyOrgs: ReadonlyArray<string>
  readonly maxUploadSize: number
}

const MODES: ReadonlyArray<CliConfig["mode"]> = ["single", "load", "replay", "serve"]

const scenarioChoices = () => SCENARIO_NAMES.map((k) => `${k} (${SCENARIOS[k].name})`).join(", ")

/** `30s`, `5m`, `1h`, `250ms` or plain seconds. */
export const parseDuration = (text: string): number | undefined => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (!m) return undefined
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "ms"]
  return Number(m[1]) * factor
}

export const parseCli = (
  argv: ReadonlyArray<string>,
  env: NodeJS.ProcessEnv = process.env,
): CliConfig | string => {
  const str = { type: "string" } as const
  let parsed: ReturnType<typeof parse>
  const parse = () =>
    parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        output: str,
        api: str,
        prefix: str,
        brokers: str,
        topic: str,
        "batch-size": str,
        concurrency: str,
        scenario: str,
        mix: str,
        noise: str,
        duplicates: str,
        swaps: str,
        seed: str,
        rate: str,
        unit: str,
        duration: str,
        count: str,
        max: { type: "boolean" },
        "no-progress": { type: "boolean" },
        file: str,
        port: str,
        "public-url": str,
        "data-dir": str,
        "deny-orgs": str,
        "max-upload-size": str,
        help: { type: "boolean", short: "h" },
      },
    })
  try {
    parsed = parse()
  } catch (error) {
    // node:util's messages name the option ("Unknown option '--rat'", "Option '--rate <value>' argument missing").
    return `${(error as Error).message.split(/\.\s/)[0]} (--help lists every option)`
  }
  const { values: v, positionals } = parsed
  const mode = positionals[0]
  if (v.help || mode === undefined) return ""
  if (!MODES.includes(mode as CliConfig["mode"]))
    return `mode must be one of ${MODES.join(", ")}, got "${mode}"`
  const num = (name: string, text: string | undefined, fallback: number, max?: number): number | string => {
    if (text === undefined) return fallback
    const n = Number(text)
    const range = max === undefined ? "a number >= 0" : `a number from 0 to ${max}`
    return text.trim() !== "" && Number.isFinite(n) && n >= 0 && (max === undefined || n <= max)
      ? n
      : `--${name} must be ${range}, got "${text}"`
  }
  const numbers = {
    batchSize: num("batch-size", v["batch-size"], 500),
    concurrency: num("concurrency", v.concurrency, 4),
    noise: num("noise", v.noise, 0, 1),
    duplicates: num("duplicates", v.duplicates, defaultTraceOptions.duplicateRate, 1),
    swaps: num("swaps", v.swaps, defaultTraceOptions.swapRate, 1),
    seed: num("seed", v.seed, randomSeed()),
    rate: num("rate", v.rate, mode === "serve" ? 2 : mode === "load" ? 10 : -1),
    count: num("count", v.count, -1),
    port: num("port", v.port, 8081, 65_535),
    maxUploadSize: num("max-upload-size", v["max-upload-size"], 104_857_600),
  }
  for (const value of Object.values(numbers)) if (typeof value === "string") return value
  const n = numbers as Record<keyof typeof numbers, number>
  const scenario = parseScenario(v.scenario ?? "A")
  if (scenario === undefined) return `--scenario must be one of ${scenarioChoices()}, got "${v.scenario}"`
  const mix = v.mix === undefined ? DEFAULT_MIX : parseMix(v.mix)
  if (typeof mix === "string") return `--mix: ${mix}`
  const output = v.output ?? env.MOCK_OUTPUT ?? "kafka"
  if (output !== "kafka" && output !== "http" && output !== "stdout")
    return `--output must be kafka, http or stdout, got "${output}"${v.output === undefined ? " (from MOCK_OUTPUT)" : ""}`
  if (v.unit !== undefined && v.unit !== "uploads" && v.unit !== "statuses")
    return `--unit must be uploads or statuses, got "${v.unit}"`
  // `--max` pulls records in send order, so its count and rates are in statuses (uploads only start there).
  if (v.max && v.unit === "uploads")
    return "--max counts statuses: use --unit statuses, or --rate for uploads/s"
  const unit = mode === "replay" || v.max ? "statuses" : (v.unit ?? "uploads")
  const durationMs = v.duration === undefined ? undefined : parseDuration(v.duration)
  if (v.duration !== undefined && durationMs === undefined)
    return `--duration must be a number with an optional unit (250ms, 30s, 5m, 1h), got "${v.duration}"`
  if (mode === "replay" && v.file === undefined) return "replay needs --file <path to a JSON-lines file>"
  return {
    mode: mode as CliConfig["mode"],
    output,
    api: v.api ?? env.PT_API_URL ?? "http://localhost:8080",
    prefix: v.prefix ?? "/api/v1",
    brokers: v.brokers,
    topic: v.topic,
    batchSize: Math.max(1, n.batchSize),
    concurrency: Math.max(1, n.concurrency),
    scenario,
    mix,
    noise: n.noise,
    duplicates: n.duplicates,
    swaps: n.swaps,
    seed: n.seed,
    rate: v.max || n.rate < 0 || (mode === "replay" && v.rate === undefined) ? undefined : n.rate,
    unit,
    durationMs: durationMs ?? (mode === "load" && n.count < 0 ? 30_000 : undefined),
    count: n.count < 0 ? undefined : n.count,
    max: v.max === true,
    progress: v["no-progress"] !== true,
    file: v.file,
    port: n.port,
    publicUrl: v["public-url"] ?? `http://localhost:${n.port}`,
    dataDir: v["data-dir"] ?? ".data/mock-producer",
    denyOrgs: (v["deny-orgs"] ?? "").split(",").filter((s) => s !== ""),
    maxUploadSize: n.maxUploadSize,
  }
}
