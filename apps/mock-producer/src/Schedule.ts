import { Micros } from "@pt/domain/Timestamp"
import type { Trace, TraceRecord } from "./Trace.ts"

interface Entry {
  readonly at: Micros
  readonly seq: number
  readonly record: TraceRecord
}

/**
 * The records of many payloads in flight, merged in send order (a binary min-heap on `at`, ties in insertion
 * order). Overlapping payloads interleave here exactly as they would on the topic. Pure data structure: the real
 * clock is read by whoever drains it.
 */
export class Timeline {
  private readonly heap: Array<Entry> = []
  private seq = 0

  get size(): number {
    return this.heap.length
  }

  push(trace: Trace): void {
    for (const record of trace.records) this.insert({ at: record.at, seq: this.seq++, record })
  }

  pushRecords(records: ReadonlyArray<TraceRecord>): void {
    for (const record of records) this.insert({ at: record.at, seq: this.seq++, record })
  }

  /** Send time of the next record, if any. */
  peekAt(): Micros | undefined {
    return this.heap[0]?.at
  }

  /** Removes and returns up to `max` records due at or before `until` (a bound, so Infinity is allowed), in order. */
  popDue(until: number, max = Number.POSITIVE_INFINITY): Array<TraceRecord> {
    const out: Array<TraceRecord> = []
    while (out.length < max && this.heap.length > 0 && this.heap[0]!.at <= until) out.push(this.take())
    return out
  }

  /** Removes and returns the next `n` records whatever their time. */
  pop(n: number): Array<TraceRecord> {
    return this.popDue(Number.POSITIVE_INFINITY, n)
  }

  private before(a: Entry, b: Entry): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq)
  }

  private insert(entry: Entry): void {
    const h = this.heap
    h.push(entry)
    let i = h.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.before(h[i]!, h[parent]!)) break
      ;[h[i], h[parent]] = [h[parent]!, h[i]!]
      i = parent
    }
  }

  private take(): TraceRecord {
    const h = this.heap
    const top = h[0]!
    const last = h.pop()!
    if (h.length > 0) {
      h[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < h.length && this.before(h[l]!, h[m]!)) m = l
        if (r < h.length && this.before(h[r]!, h[m]!)) m = r
        if (m === i) break
        ;[h[i], h[m]] = [h[m]!, h[i]!]
        i = m
      }
    }
    return top.record
  }
}

/**
 * Start times of uploads at a steady rate: evenly spaced with ±20 % jitter, so the average rate is exact over
 * any window (Poisson arrivals would wander by √n and make a 30 s rate check noisy).
 */
export const uploadStart = (origin: Micros, index: number, ratePerSecond: number, jitter: number): Micros => {
  const interval = 1_000_000 / ratePerSecond
  return Micros.make(Math.round(origin + index * interval + (jitter - 0.5) * 0.4 * interval))
}

/**
 * Turns a status rate into traffic: pulls records in send order from traces started in *virtual* time at
 * `uploadsPerSecond`, so a fixed number of statuses per second still carries interleaved, realistic payloads.
 */
export class VirtualTraffic {
  private readonly timeline = new Timeline()
  private readonly next: (start: Micros) => Trace
  private readonly interval: number
  private nextStart: number
  uploads = 0

  constructor(next: (start: Micros) => Trace, origin: Micros, uploadsPerSecond: number) {
    this.next = next
    this.interval = 1_000_000 / uploadsPerSecond
    this.nextStart = origin
  }

  pull(n: number): Array<TraceRecord> {
    const out: Array<TraceRecord> = []
    while (out.length < n) {
      const head = this.timeline.peekAt()
      if (head === undefined || this.nextStart <= head) {
        this.timeline.push(this.next(Micros.make(Math.round(this.nextStart))))
        this.nextStart += this.interval
        this.uploads++
        continue
      }
      out.push(...this.timeline.pop(1))
    }
    return out
  }
}
