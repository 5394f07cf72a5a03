// The parts of autocannon 8 that bench-api.ts uses (the package ships no types).
declare module "autocannon" {
  interface Histogram {
    readonly average: number
    readonly mean: number
    readonly p50: number
    readonly p90: number
    readonly p99: number
    readonly max: number
    readonly total: number
  }
  interface Result {
    readonly requests: Histogram
    readonly latency: Histogram
    readonly non2xx: number
    readonly errors: number
    readonly timeouts: number
    readonly duration: number
  }
  interface Options {
    readonly url: string
    readonly connections?: number
    readonly duration?: number
    readonly overallRate?: number
    readonly requests?: ReadonlyArray<{ readonly setupRequest?: (req: { path: string }) => { path: string } }>
  }
  /** The running instance: a promise of the result that also emits each response's latency (ms). */
  interface Instance extends Promise<Result> {
    on(
      event: "response",
      listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
    ): void
  }
  function autocannon(options: Options): Instance
  export default autocannon
}
