import { Config, Option } from "effect"
import { Argument, type Command, Flag } from "effect/cli"
import { SCENARIO_NAMES, SCENARIOS } from "./Scenarios.ts"
import { defaultTraceOptions } from "./Trace.ts"
import { DEFAULT_MIX } from "./Traffic.ts"

export const MODES_HELP = `Modes
  single   one payload through --scenario, paced in real time; prints its request_id and tracker links
  load     --rate N per second of --unit uploads|statuses, for --duration or --count;
           --max = as fast as possible (--count and the summary in statuses)
  replay   send the JSON lines of --file (at --rate statuses/s, or as fast as possible)
  serve    ingress + storage-broker stand-ins on --port, plus background traffic at --rate uploads/s (0 = none)`

const MODES = ["single", "load", "replay", "serve"] as const

const number = (name: string, max?: number) =>
  Flag.String(name).pipe(
    Flag.withMetavar("number"),
    Flag.filterMap(
      (text) => {
        const n = Number(text)
        return text.trim() !== "" && Number.isFinite(n) && n >= 0 && (max === undefined || n <= max)
          ? Option.some(n)
          : Option.none()
      },
      () => (max === undefined ? "a number >= 0" : `a number from 0 to ${max}`),
    ),
  )
const text = (name: string, description: string) => Flag.String(name).pipe(Flag.withDescription(description))
export const OUTPUTS = ["kafka", "http", "stdout"] as const

/** Every mode takes every flag (as documented). Defaults that depend on the mode stay unset here. */
export const flags = {
  mode: Argument.Literals("mode", MODES).pipe(
    Argument.withDescription("single, load, replay or serve (none: this usage)"),
    Argument.optional,
  ),
  output: Flag.String("output").pipe(
    Flag.withDescription("kafka, http or stdout (default kafka, env MOCK_OUTPUT)"),
    Flag.withFallbackConfig(Config.String("MOCK_OUTPUT")),
    Flag.optional,
  ),
  api: text(
    "api",
    "the tracker, for http output and links (default http://localhost:8080, env PT_API_URL)",
  ).pipe(Flag.withFallbackConfig(Config.String("PT_API_URL")), Flag.withDefault("http://localhost:8080")),
  prefix: text("prefix", "API prefix (default /api/v1)").pipe(Flag.withDefault("/api/v1")),
  brokers: text("brokers", "Kafka bootstrap servers (default env KAFKA_BOOTSTRAP_SERVERS)").pipe(
    Flag.optional,
  ),
  topic: text("topic", "Kafka topic (default env KAFKA_TOPIC, platform.payload-status)").pipe(Flag.optional),
  batchSize: number("batch-size").pipe(
    Flag.withDescription("records per send (default 500)"),
    Flag.withDefault(500),
  ),
  concurrency: number("concurrency").pipe(
    Flag.withDescription("sends in flight (default 4)"),
    Flag.withDefault(4),
  ),
  scenario: text(
    "scenario",
    `single (default A): ${SCENARIO_NAMES.map((k) => `${k}=${SCENARIOS[k].name}`).join(", ")}`,
  ).pipe(Flag.withDefault("A")),
  mix: text(
    "mix",
    `scenario weights, A=80,B=5 (default ${Object.entries(DEFAULT_MIX)
      .map(([k, v]) => `${k}=${v}`)
      .join(",")})`,
  ).pipe(Flag.optional),
  noise: number("noise", 1).pipe(
    Flag.withDescription(
      "probability of a noise record (invalid id, malformed) after each record (default 0)",
    ),
    Flag.withDefault(0),
  ),
  duplicates: number("duplicates", 1).pipe(
    Flag.withDescription(
      `payloads with a redelivered received (default ${defaultTraceOptions.duplicateRate})`,
    ),
    Flag.withDefault(defaultTraceOptions.duplicateRate),
  ),
  swaps: number("swaps", 1).pipe(
    Flag.withDescription(`adjacent records sent swapped (default ${defaultTraceOptions.swapRate})`),
    Flag.withDefault(defaultTraceOptions.swapRate),
  ),
  seed: number("seed").pipe(Flag.withDescription("reproducible traffic"), Flag.optional),
  rate: number("rate").pipe(
    Flag.withDescription("per second (load: 10 uploads/s, serve: 2, replay: as fast as possible)"),
    Flag.optional,
  ),
  unit: Flag.Literals("unit", ["uploads", "statuses"]).pipe(
    Flag.withDescription("what --rate and --count count (default uploads)"),
    Flag.optional,
  ),
  duration: text("duration", "30s, 5m, 250ms (load: 30s unless --count)").pipe(Flag.optional),
  count: number("count").pipe(Flag.withDescription("stop after N (instead of --duration)"), Flag.optional),
  max: Flag.Boolean("max").pipe(
    Flag.withDescription("as fast as possible (counts statuses)"),
    Flag.withDefault(false),
  ),
  noProgress: Flag.Boolean("no-progress").pipe(
    Flag.withDescription("no progress line every second"),
    Flag.withDefault(false),
  ),
  file: text("file", "JSON lines to send (replay)").pipe(Flag.optional),
  port: number("port", 65_535).pipe(
    Flag.withDescription("stand-ins' port (serve; default 8081)"),
    Flag.withDefault(8081),
  ),
  publicUrl: text("public-url", "the stand-ins' public address (default http://localhost:<port>)").pipe(
    Flag.optional,
  ),
  dataDir: text(
    "data-dir",
    "where the storage-broker stand-in keeps uploads (default .data/mock-producer)",
  ).pipe(Flag.withDefault(".data/mock-producer")),
  denyOrgs: text("deny-orgs", "org ids the ingress stand-in refuses, 1,2").pipe(Flag.withDefault("")),
  maxUploadSize: number("max-upload-size").pipe(
    Flag.withDescription("bytes (default 104857600; qpc gets 150 MiB)"),
    Flag.withDefault(104_857_600),
  ),
}

export type Flags = Command.Command.Config.Infer<typeof flags>
