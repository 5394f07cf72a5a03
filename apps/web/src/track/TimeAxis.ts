import { Micros } from "@pt/domain/Timestamp"

/**
 * The timeline's tick axis: times relative to the payload's first status, in one unit chosen by the whole span
 * (ms under 1 s, s under 2 min, min under 2 h, h beyond) and at "nice" steps (1, 2, 5 × 10ⁿ of that unit, or
 * clock-like steps for minutes and hours) so that at most `maxIntervals` intervals fit.
 */
export interface Tick {
  /** Offset from the first status, in microseconds. */
  readonly offset: Micros
  /** Position along the axis, 0–100 (%). */
  readonly percent: number
  readonly label: string
}

interface TimeAxis {
  readonly unit: AxisUnit
  readonly step: Micros
  readonly ticks: ReadonlyArray<Tick>
}

type AxisUnit = "ms" | "s" | "min" | "h"

const UNIT_MICROS: Record<AxisUnit, number> = { ms: 1_000, s: 1_000_000, min: 60_000_000, h: 3_600_000_000 }

export const axisUnit = (span: Micros): AxisUnit =>
  span < UNIT_MICROS.s ? "ms" : span < 2 * UNIT_MICROS.min ? "s" : span < 2 * UNIT_MICROS.h ? "min" : "h"

// Steps in the unit: decimal for ms and s; clock-like (quarters, 5, 10, 15, 30) for minutes and hours.
const DECIMAL = [1, 2, 5]
const CLOCK: Record<"min" | "h", ReadonlyArray<number>> = {
  min: [0.25, 0.5, 1, 2, 5, 10, 15, 20, 30, 60],
  h: [0.25, 0.5, 1, 2, 3, 6, 12, 24, 48, 72, 168, 336, 720],
}

const candidateSteps = (unit: AxisUnit): ReadonlyArray<number> => {
  if (unit === "min" || unit === "h") return CLOCK[unit]
  const steps: Array<number> = []
  for (let exponent = -3; exponent <= 4; exponent++)
    for (const base of DECIMAL) steps.push(Number((base * 10 ** exponent).toPrecision(1)))
  return steps
}

/** A tick value in its unit: at most three decimals, no trailing zeros. */
const formatValue = (value: number): string => String(Number(value.toFixed(3)))

export const timeAxis = (span: Micros, maxIntervals = 8): TimeAxis => {
  const unit = axisUnit(span)
  const unitMicros = UNIT_MICROS[unit]
  if (span <= 0)
    return { unit, step: Micros.make(0), ticks: [{ offset: Micros.make(0), percent: 0, label: `0 ${unit}` }] }
  const steps = candidateSteps(unit)
  const stepInUnit = steps.find((s) => span / (s * unitMicros) <= maxIntervals) ?? steps[steps.length - 1]!
  const step = stepInUnit * unitMicros
  const ticks: Array<Tick> = []
  // Integer counting avoids the drift of repeated float additions.
  for (let i = 0; i * step <= span * (1 + 1e-9); i++) {
    const offset = Micros.make(i * step)
    ticks.push({ offset, percent: (offset / span) * 100, label: `${formatValue(i * stepInUnit)} ${unit}` })
  }
  return { unit, step: Micros.make(step), ticks }
}
