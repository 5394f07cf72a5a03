import { Cause, ConfigProvider, Effect, Exit, FileSystem, Layer, Option, Path, Stdio, Terminal } from "effect"
import { CliError, CliOutput, Command, CliConfig as EffectCliConfig, GlobalFlag } from "effect/cli"
import { ChildProcessSpawner } from "effect/process"
import { type Flags, flags, MODES_HELP, OUTPUTS } from "./CliFlags.ts"
import { randomSeed } from "./Random.ts"
import { parseScenario, SCENARIO_NAMES, SCENARIOS, type ScenarioName } from "./Scenarios.ts"
import { DEFAULT_MIX, type Mix, parseMix } from "./Traffic.ts"

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

const scenarioChoices = () => SCENARIO_NAMES.map((k) => `${k} (${SCENARIOS[k].name})`).join(", ")

/** `30s`, `5m`, `1h`, `250ms` or plain seconds. */
export const parseDuration = (text: string): number | undefined => {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim())
  if (!m) return undefined
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "ms"]
  return Number(m[1]) * factor
}

/** The mode-dependent defaults and the rules across flags, once the library has typed every flag. */
const toConfig = ({ mode: given, ...v }: Flags, fromEnv: boolean): CliConfig | string => {
  if (Option.isNone(given)) return ""
  const mode = given.value
  const scenario = parseScenario(v.scenario)
  if (scenario === undefined) return `--scenario must be one of ${scenarioChoices()}, got "${v.scenario}"`
  const mix = Option.match(v.mix, { onNone: () => DEFAULT_MIX, onSome: parseMix })
  if (typeof mix === "string") return `--mix: ${mix}`
  const output = Option.getOrElse(v.output, () => "kafka")
  if (!OUTPUTS.includes(output as never))
    return `--output must be kafka, http or stdout, got "${output}"${fromEnv ? " (from MOCK_OUTPUT)" : ""}`
  // `--max` pulls records in send order, so its count and rates are in statuses (uploads only start there).
  if (v.max && Option.getOrUndefined(v.unit) === "uploads")
    return "--max counts statuses: use --unit statuses, or --rate for uploads/s"
  const unit = mode === "replay" || v.max ? "statuses" : Option.getOrElse(v.unit, () => "uploads" as const)
  const duration = Option.getOrUndefined(v.duration)
  const durationMs = duration === undefined ? undefined : parseDuration(duration)
  if (duration !== undefined && durationMs === undefined)
    return `--duration must be a number with an optional unit (250ms, 30s, 5m, 1h), got "${duration}"`
  if (mode === "replay" && Option.isNone(v.file)) return "replay needs --file <path to a JSON-lines file>"
  const count = Option.getOrUndefined(v.count)
  const rate = Option.getOrElse(v.rate, () => (mode === "serve" ? 2 : mode === "load" ? 10 : undefined))
  return {
    mode,
    output: output as CliConfig["output"],
    api: v.api,
    prefix: v.prefix,
    brokers: Option.getOrUndefined(v.brokers),
    topic: Option.getOrUndefined(v.topic),
    batchSize: Math.max(1, v.batchSize),
    concurrency: Math.max(1, v.concurrency),
    scenario,
    mix,
    noise: v.noise,
    duplicates: v.duplicates,
    swaps: v.swaps,
    seed: Option.getOrElse(v.seed, randomSeed),
    rate: v.max || (mode === "replay" && Option.isNone(v.rate)) ? undefined : rate,
    unit,
    durationMs: durationMs ?? (mode === "load" && count === undefined ? 30_000 : undefined),
    count,
    max: v.max,
    progress: !v.noProgress,
    file: Option.getOrUndefined(v.file),
    port: v.port,
    publicUrl: Option.getOrElse(v.publicUrl, () => `http://localhost:${v.port}`),
    dataDir: v.dataDir,
    denyOrgs: v.denyOrgs.split(",").filter((s) => s !== ""),
    maxUploadSize: v.maxUploadSize,
  }
}

/** What the parse needs of a platform: nothing touches files, a terminal or processes. */
const ParseEnvironment = Layer.mergeAll(
  FileSystem.layerNoop({}),
  Path.layer,
  Stdio.layerTest({}),
  Layer.succeed(
    Terminal.Terminal,
    Terminal.make({
      columns: Effect.succeed(100),
      rows: Effect.succeed(24),
      size: Effect.die("no terminal"),
      readInput: Effect.die("no terminal"),
      readLine: Effect.die("no terminal"),
      display: () => Effect.void,
    }),
  ),
  Layer.succeed(
    ChildProcessSpawner.ChildProcessSpawner,
    ChildProcessSpawner.make(() => Effect.die("no processes")),
  ),
)

const command = (onParsed: (v: Flags) => void) =>
  Command.make("main.ts", flags, (v) => Effect.sync(() => onParsed(v))).pipe(
    Command.withDescription(
      `node --disable-warning=TimeoutNegativeWarning apps/mock-producer/src/main.ts <mode> [flags]\n\n${MODES_HELP}`,
    ),
  )

/**
 * Parses by Effect's CLI module (`effect/cli`): typed flags and its errors (unknown flag with a suggestion, missing
 * value, bad choice), the help rendered from the flags' descriptions. The environment supplies MOCK_OUTPUT and
 * PT_API_URL through a ConfigProvider, so tests pass their own. Runs synchronously: nothing touches a terminal.
 */
const parse = (argv: ReadonlyArray<string>, env: NodeJS.ProcessEnv) => {
  let result: CliConfig | string = ""
  let help = ""
  const formatter = CliOutput.defaultFormatter({ colors: false })
  const explicitOutput = argv.some((a) => a === "--output" || a.startsWith("--output="))
  const exit = Effect.runSyncExit(
    Command.runWith(
      command((v) => (result = toConfig(v, Option.isSome(v.output) && !explicitOutput))),
      {
        version: "0",
        renderErrors: false,
      },
    )(argv).pipe(
      Effect.provide(ParseEnvironment),
      // --help only: no --version, --wizard, --completions, and LOGLEVEL (not --log-level) sets the log level.
      Effect.provide(EffectCliConfig.layer({ builtIns: [GlobalFlag.Help] })),
      Effect.provide(
        CliOutput.layerPresenter({
          present: (event) =>
            Effect.sync(() => {
              if (event._tag === "Help") help = formatter.formatHelpDoc(event.helpDoc)
            }),
        }),
      ),
      Effect.provide(ConfigProvider.layer(ConfigProvider.fromEnv({ env: env as Record<string, string> }))),
    ),
  )
  if (Exit.isSuccess(exit)) return { result, help }
  const error = Cause.squash(exit.cause)
  const first = CliError.isCliError(error) && error._tag === "ShowHelp" ? error.errors[0] : error
  return { result: first === undefined ? "" : (first as Error).message, help }
}

/** The settings, or the text to print: "" for the usage (no mode, --help), else the first error. */
export const parseCli = (
  argv: ReadonlyArray<string>,
  env: NodeJS.ProcessEnv = process.env,
): CliConfig | string => parse(argv, env).result

/** The usage with every flag, its default and description, as the library renders `--help`. */
export const USAGE = parse(["--help"], {}).help
