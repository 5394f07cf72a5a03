import { Micros } from "@pt/domain/Timestamp"
import type { StatusValue, Upload } from "./Producers.ts"
import type { Rng } from "./Random.ts"

/** One record as it goes on the wire: a JSON value, or raw text for a malformed record (noise). */
export interface TraceRecord {
  /** When the producer sends it (simulated wall clock, µs). Its `date` field may differ: clocks are skewed. */
  readonly at: Micros
  readonly value: unknown
  readonly raw?: string
}

export interface Trace {
  readonly upload: Upload
  readonly scenario: string
  /** Sorted by `at`: the order the records go out. */
  readonly records: ReadonlyArray<TraceRecord>
}

/** Wire-level imperfections of the real platform (docs/pipeline.md, "What goes wrong on the wire"). */
export interface TraceOptions {
  /** Share of payloads with one `received` delivered twice (at-least-once redelivery). */
  readonly duplicateRate: number
  /** Chance that two adjacent records go out swapped (no key, so statuses land on random partitions). */
  readonly swapRate: number
  /** Share of puptoo deliveries retried after a crash (a second, later `received`). */
  readonly retryRate: number
  /** Each service's clock is off by up to this many ms, so dates across services can invert a little. */
  readonly skewMs: number
}

export const defaultTraceOptions: TraceOptions = {
  duplicateRate: 0.0075,
  swapRate: 0.03,
  retryRate: 0.005,
  skewMs: 5,
}

/** Collects the records of one payload as the simulated services emit them. */
export class TraceBuilder {
  readonly rng: Rng
  readonly upload: Upload
  readonly options: TraceOptions
  private readonly records: Array<TraceRecord> = []
  private readonly skews = new Map<string, Micros>()

  constructor(rng: Rng, upload: Upload, options: TraceOptions) {
    this.rng = rng
    this.upload = upload
    this.options = options
  }

  /** A random delay in µs between `lo` and `hi` milliseconds. */
  ms(lo: number, hi: number): Micros {
    return Micros.make(Math.round(this.rng.uniform(lo, hi) * 1000))
  }

  /** `service` reports at true time `at`; its `date` carries that service's clock skew. */
  emit(service: string, at: Micros, build: (date: Micros) => StatusValue): void {
    let skew = this.skews.get(service)
    if (skew === undefined) {
      skew = Micros.make(Math.round(this.rng.uniform(-this.options.skewMs, this.options.skewMs) * 1000))
      this.skews.set(service, skew)
    }
    this.records.push({ at, value: build(Micros.make(at + skew)) })
  }

  build(scenario: string): Trace {
    const records = [...this.records].sort((a, b) => a.at - b.at)
    this.duplicateReceived(records)
    this.swapAdjacent(records)
    return { upload: this.upload, scenario, records }
  }

  private duplicateReceived(records: Array<TraceRecord>): void {
    if (!this.rng.chance(this.options.duplicateRate)) return
    const received = records.filter((r) => (r.value as StatusValue).status === "received")
    if (received.length === 0) return
    const original = this.rng.pick(received)
    // Redelivered later with the very same bytes, so the tracker must store it once.
    const copy = { at: Micros.make(original.at + this.ms(50, 2000)), value: original.value }
    const index = records.findIndex((r) => r.at > copy.at)
    records.splice(index === -1 ? records.length : index, 0, copy)
  }

  private swapAdjacent(records: Array<TraceRecord>): void {
    for (let i = 0; i + 1 < records.length; i++) {
      if (!this.rng.chance(this.options.swapRate)) continue
      const a = records[i]!
      const b = records[i + 1]!
      // The later record overtakes the earlier one on the wire; each keeps its own `date`.
      records[i] = { ...b, at: a.at }
      records[i + 1] = { ...a, at: b.at }
      i++
    }
  }
}
