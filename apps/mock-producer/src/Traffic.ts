import { Micros } from "@pt/domain/Timestamp"
import { injectNoise } from "./Noise.ts"
import { Rng } from "./Random.ts"
import { generateTrace, parseScenario, SCENARIO_NAMES, type ScenarioName } from "./Scenarios.ts"
import { defaultTraceOptions, type Trace, type TraceOptions } from "./Trace.ts"

/** Relative weights of the scenarios. */
export type Mix = Readonly<Record<ScenarioName, number>>

/**
 * Default mix, in percent, from docs/pipeline.md ("Default mix") [assumption]: puptoo failure 2 % (1–3 %), HBI rejection 0.75 %
 * (0.5–1 %), a downstream app error 0.5 %, staging 500 0.05 % (< 0.1 %). The spec gives no share for compliance
 * and OpenShift uploads; 5 % and 10 % are our choice. Legacy 2019 names are off unless asked for.
 */
export const DEFAULT_MIX: Mix = { A: 81.7, B: 2, C: 0.75, D: 0.5, E: 0.05, F: 5, G: 10, H: 0 }

/** Parses `A=80,B=5,G=15` (letters or names); unnamed scenarios get weight 0 when any is given. */
export const parseMix = (text: string): Mix | string => {
  const mix: Record<ScenarioName, number> = { A: 0, B: 0, C: 0, D: 0, E: 0, F: 0, G: 0, H: 0 }
  for (const part of text.split(",").filter((p) => p.trim() !== "")) {
    const [key = "", weight = ""] = part.split("=")
    const name = parseScenario(key.trim())
    const value = Number(weight)
    if (name === undefined)
      return `unknown scenario "${key}" (use ${SCENARIO_NAMES.join(", ")} or their names)`
    if (!Number.isFinite(value) || value < 0) return `invalid weight "${weight}" for ${key}`
    mix[name] = value
  }
  return Object.values(mix).some((v) => v > 0) ? mix : "the mix gives every scenario weight 0"
}

export const pickScenario = (rng: Rng, mix: Mix): ScenarioName => {
  const total = SCENARIO_NAMES.reduce((sum, k) => sum + mix[k], 0)
  let x = rng.next() * total
  for (const k of SCENARIO_NAMES) {
    x -= mix[k]
    if (x < 0) return k
  }
  return "A"
}

interface TrafficConfig {
  readonly mix: Mix
  readonly trace: TraceOptions
  /** Probability of a noise record after each real one (0 = none). */
  readonly noiseRate: number
}

export const defaultTrafficConfig: TrafficConfig = {
  mix: DEFAULT_MIX,
  trace: defaultTraceOptions,
  noiseRate: 0,
}

/** Draws payloads from the mix: the generator behind `load`, `serve` and the ingress stand-in. */
export class Traffic {
  readonly rng: Rng
  readonly config: TrafficConfig
  readonly counts: Record<string, number> = {}

  constructor(rng: Rng, config: TrafficConfig) {
    this.rng = rng
    this.config = config
  }

  next(t0: Micros, scenario: ScenarioName = pickScenario(this.rng, this.config.mix)): Trace {
    this.counts[scenario] = (this.counts[scenario] ?? 0) + 1
    return injectNoise(
      this.rng,
      generateTrace(this.rng, scenario, t0, this.config.trace),
      this.config.noiseRate,
    )
  }

  /** Statuses per payload expected from the mix, to turn a status rate into an upload rate. */
  meanRecords(samples = 400): number {
    const probe = new Traffic(new Rng(1), this.config)
    let total = 0
    for (let i = 0; i < samples; i++) total += probe.next(Micros.make(0)).records.length
    return total / samples
  }
}
