import { describe, expect, it } from "vitest"
import { type CliConfig, parseCli, parseDuration, USAGE } from "../src/Cli.ts"

const parse = (...argv: Array<string>) => parseCli(argv, {})
const config = (...argv: Array<string>): CliConfig => {
  const c = parse(...argv)
  if (typeof c === "string") throw new Error(c)
  return c
}

describe("command line", () => {
  it("no mode or --help gives the usage (empty message); the usage lists every flag", () => {
    expect(parse()).toBe("")
    for (const flag of ["--output", "--rate", "--max", "--no-progress", "--max-upload-size", "--deny-orgs"])
      expect(USAGE).toContain(flag)
    expect(parse("load", "--help")).toBe("")
    expect(parse("-h")).toBe("")
  })

  it("defaults: kafka output, scenario A, load for 30 s at 10 uploads/s", () => {
    const c = config("load", "--seed", "1")
    expect(c).toMatchObject({
      mode: "load",
      output: "kafka",
      scenario: "A",
      unit: "uploads",
      rate: 10,
      durationMs: 30_000,
      count: undefined,
      max: false,
      batchSize: 500,
      concurrency: 4,
      noise: 0,
      seed: 1,
      api: "http://localhost:8080",
      prefix: "/api/v1",
    })
  })

  it("reads MOCK_OUTPUT and PT_API_URL, flags win", () => {
    expect(parseCli(["single"], { MOCK_OUTPUT: "http", PT_API_URL: "http://x:1" })).toMatchObject({
      output: "http",
      api: "http://x:1",
    })
    expect(parseCli(["single", "--output", "stdout"], { MOCK_OUTPUT: "http" })).toMatchObject({
      output: "stdout",
    })
  })

  it("--count replaces the default duration; scenarios by letter or name", () => {
    expect(config("load", "--count", "50")).toMatchObject({ count: 50, durationMs: undefined })
    expect(config("single", "--scenario", "puptoo-failure").scenario).toBe("B")
    expect(config("single", "--scenario", "g").scenario).toBe("G")
    expect(config("load", "--mix", "A=1,openshift=3").mix).toMatchObject({ A: 1, G: 3, B: 0 })
  })

  it("--max counts statuses: its unit is statuses and it has no rate", () => {
    expect(config("load", "--max", "--count", "100")).toMatchObject({
      max: true,
      rate: undefined,
      unit: "statuses",
      count: 100,
    })
    expect(config("load", "--max", "--unit", "statuses").unit).toBe("statuses")
    expect(config("replay", "--file", "x.jsonl")).toMatchObject({ unit: "statuses", rate: undefined })
  })

  it("a boolean flag takes an explicit value (effect/cli): --max=1 is --max", () => {
    expect(config("load", "--max=1").max).toBe(true)
    expect(config("load", "--max=false").max).toBe(false)
  })

  it("durations with and without a unit", () => {
    expect(parseDuration("250ms")).toBe(250)
    expect(parseDuration("30s")).toBe(30_000)
    expect(parseDuration("5m")).toBe(300_000)
    expect(parseDuration("1.5h")).toBe(5_400_000)
    expect(parseDuration("12")).toBe(12_000)
    expect(parseDuration("soon")).toBeUndefined()
  })

  // Each bad flag is named, with what it accepts and what it got (the parse errors in effect/cli's wording).
  const bad: Array<[Array<string>, string]> = [
    [
      ["load", "--rat", "5"],
      "Unrecognized flag: --rat in command main.ts\n\n  Did you mean this?\n    --rate",
    ],
    [["load", "--rate"], "Missing value for flag --rate. Expected: number"],
    [
      ["load", "--max=maybe"],
      'Invalid value for flag --max: "maybe". Expected "true" | "yes" | "on" | "1" | "y" | "false" | "no" | "off" | "0" | "n"',
    ],
    [["lod"], 'Invalid value for argument <mode>: "lod". Expected: "single" | "load" | "replay" | "serve"'],
    [["load", "extra"], 'Unexpected positional argument: "extra"'],
    [["load", "--output", "kafak"], '--output must be kafka, http or stdout, got "kafak"'],
    [
      ["load", "--unit", "upload"],
      'Invalid value for flag --unit: "upload". Expected: "uploads" | "statuses"',
    ],
    [
      ["load", "--max", "--unit", "uploads"],
      "--max counts statuses: use --unit statuses, or --rate for uploads/s",
    ],
    [["load", "--rate", "fast"], 'Invalid value for flag --rate: "fast". Expected: a number >= 0'],
    [["load", "--rate=-1"], 'Invalid value for flag --rate: "-1". Expected: a number >= 0'],
    [["load", "--rate", "-1"], 'Invalid value for flag --rate: "-1". Expected: a number >= 0'],
    [["load", "--count", ""], "Missing value for flag --count. Expected: a number >= 0"],
    [["load", "--noise", "1.5"], 'Invalid value for flag --noise: "1.5". Expected: a number from 0 to 1'],
    [
      ["load", "--duplicates", "x"],
      'Invalid value for flag --duplicates: "x". Expected: a number from 0 to 1',
    ],
    [
      ["serve", "--port", "70000"],
      'Invalid value for flag --port: "70000". Expected: a number from 0 to 65535',
    ],
    [
      ["load", "--duration", "5x"],
      '--duration must be a number with an optional unit (250ms, 30s, 5m, 1h), got "5x"',
    ],
    [["load", "--mix", "Q=3"], '--mix: unknown scenario "Q" (use A, B, C, D, E, F, G, H or their names)'],
    [["load", "--mix", "A=x"], '--mix: invalid weight "x" for A'],
    [["load", "--mix", "A=0"], "--mix: the mix gives every scenario weight 0"],
    [["replay"], "replay needs --file <path to a JSON-lines file>"],
  ]
  for (const [argv, message] of bad) {
    it(`rejects ${argv.join(" ")}`, () => expect(parse(...argv)).toBe(message))
  }

  it("rejects an unknown scenario listing the letters and names", () => {
    const message = parse("single", "--scenario", "Z")
    expect(message).toMatch(
      /^--scenario must be one of A \(advisor\), B \(puptoo-failure\), .*H \(legacy\), got "Z"$/,
    )
  })

  it("says when a bad output came from MOCK_OUTPUT", () => {
    expect(parseCli(["single"], { MOCK_OUTPUT: "kafak" })).toBe(
      '--output must be kafka, http or stdout, got "kafak" (from MOCK_OUTPUT)',
    )
  })
})
