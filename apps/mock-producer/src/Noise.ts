import { Micros } from "@pt/domain/Timestamp"
import { pythonIsoformat } from "./Dates.ts"
import type { Rng } from "./Random.ts"
import type { Trace, TraceRecord } from "./Trace.ts"

/**
 * Records the tracker must reject (and dead-letter) without losing the valid ones around them: the invalid ids
 * seen in real traffic (docs/pipeline.md, "What goes wrong on the wire") and malformed records. `raw` records are not JSON at all.
 */
export const NOISE_KINDS = [
  "third-party",
  "minus-one",
  "none",
  "short-id",
  "invalid-json",
  "not-an-object",
  "missing-date",
  "numeric-date",
  "date-only",
  "number-field",
] as const
type NoiseKind = (typeof NOISE_KINDS)[number]

export const noiseRecord = (rng: Rng, kind: NoiseKind, at: Micros, requestId: string): TraceRecord => {
  const date = pythonIsoformat(at)
  const base = { service: "inventory-mq-service", request_id: requestId, status: "received", date }
  switch (kind) {
    case "third-party":
      // advisor's rule-hit analysis reports under a fixed id.
      return {
        at,
        value: {
          service: "insights-advisor-service",
          status: "processing",
          status_msg: rng.pick(["Beginning rule hit analysis.", "Creating reports."]),
          request_id: "third-party",
          inventory_id: rng.uuid(),
          source: "third-party",
          date,
        },
      }
    case "minus-one":
      return { at, value: { ...base, request_id: "-1" } }
    case "none":
      return { at, value: { ...base, request_id: "None" } }
    case "short-id":
      return { at, value: { ...base, request_id: requestId.slice(0, 31) } }
    case "invalid-json":
      return { at, value: undefined, raw: JSON.stringify(base).slice(0, rng.int(10, 60)) }
    case "not-an-object":
      return { at, value: rng.pick<unknown>([[base], "received", 42, null]) }
    case "missing-date":
      return { at, value: { service: base.service, request_id: requestId, status: "received" } }
    case "numeric-date":
      return { at, value: { ...base, date: Math.floor(at / 1_000_000) } }
    case "date-only":
      return { at, value: { ...base, date: date.slice(0, 10) } }
    case "number-field":
      return { at, value: { ...base, account: 6089719 } }
  }
}

/** Adds, after each record with probability `rate`, one noise record sent right after it. */
export const injectNoise = (rng: Rng, trace: Trace, rate: number): Trace => {
  if (rate <= 0) return trace
  const records: Array<TraceRecord> = []
  for (const record of trace.records) {
    records.push(record)
    if (rng.chance(rate)) {
      records.push(
        noiseRecord(
          rng,
          rng.pick(NOISE_KINDS),
          Micros.make(record.at + rng.int(0, 2000)),
          trace.upload.requestId,
        ),
      )
    }
  }
  return { ...trace, records: records.sort((a, b) => a.at - b.at) }
}

/** Serialises a record to the bytes a producer would send. */
export const recordText = (record: TraceRecord): string => record.raw ?? JSON.stringify(record.value)
