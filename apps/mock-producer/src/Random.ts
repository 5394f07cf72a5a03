/**
 * A small seeded PRNG (mulberry32) so that scenario generation is reproducible: the same seed gives the same
 * traffic, which the unit tests rely on. Not for anything security-related.
 */
export class Rng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next()
  }

  /** Integer in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1))
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p
  }

  pick<A>(items: ReadonlyArray<A>): A {
    return items[Math.floor(this.next() * items.length)]!
  }

  hex(length: number): string {
    let out = ""
    for (let i = 0; i < length; i++) out += "0123456789abcdef"[Math.floor(this.next() * 16)]
    return out
  }

  digits(length: number): string {
    let out = ""
    for (let i = 0; i < length; i++) out += String(Math.floor(this.next() * 10))
    return out
  }

  /** A version-4 UUID in its dashed form (inventory and system ids). */
  uuid(): string {
    const h = this.hex(32)
    const variant = "89ab"[Math.floor(this.next() * 4)]
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`
  }

  /** A request id as the gateway sets it: 32 lower-case hex characters (a UUID4 without dashes). */
  requestId(): string {
    return this.uuid().replaceAll("-", "")
  }
}

export const randomSeed = (): number => Math.floor(Math.random() * 2 ** 32)
