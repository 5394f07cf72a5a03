import { readFileSync, writeFileSync } from "node:fs"

/**
 * Resident set size of another process, sampled from /proc/<pid>/status while a benchmark runs (Linux only):
 * the figure a pod's memory limit is checked against. One helper for every benchmark (bench:api, its ingest
 * mode, bench:sse, bench:ingest), so their RSS figures mean the same thing.
 */
export interface RssSummary {
  readonly samples: number
  readonly intervalMs: number
  /** Highest sampled VmRSS, or the kernel's high-water mark (VmHWM) when that is higher (a spike between samples). */
  readonly peakMb: number
  readonly p95Mb: number
  readonly p50Mb: number
  readonly lastMb: number
  /** Whether VmHWM was reset when sampling began, i.e. `peakMb` covers the run only, not the process's start. */
  readonly peakSinceStart: boolean
}

const statusKb = (pid: number, field: "VmRSS" | "VmHWM"): number => {
  const line = readFileSync(`/proc/${pid}/status`, "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`))
  return line === undefined ? 0 : Number(line.replace(/\D+/g, ""))
}

/** The process's current RSS in MB (0 once it is gone). */
export const rssMb = (pid: number): number => {
  try {
    return statusKb(pid, "VmRSS") / 1024
  } catch {
    return 0
  }
}

/**
 * Resets the kernel's peak-RSS counter of `pid` (`echo 5 > /proc/<pid>/clear_refs`), so VmHWM then covers the
 * measured run rather than a start-up or data-loading phase. Needs the same user; false when refused.
 */
const resetPeak = (pid: number): boolean => {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, "5")
    return true
  } catch {
    return false
  }
}

const quantile = (sorted: ReadonlyArray<number>, q: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!

const round = (mb: number) => Math.round(mb * 10) / 10

/** Samples `pid` every `intervalMs` until `stop()`, which returns the run's figures. */
export const sampleRss = (pid: number, intervalMs = 250) => {
  const peakSinceStart = resetPeak(pid)
  const samples: Array<number> = []
  const take = () => {
    const mb = rssMb(pid)
    if (mb > 0) samples.push(mb)
  }
  take()
  const timer = setInterval(take, intervalMs)
  timer.unref()
  return {
    /** The latest sample in MB (for progress lines). */
    current: (): number => samples.at(-1) ?? 0,
    stop: (): RssSummary => {
      take()
      clearInterval(timer)
      let hwm = 0
      try {
        hwm = peakSinceStart ? statusKb(pid, "VmHWM") / 1024 : 0
      } catch {
        // the process is gone: the samples are all there is
      }
      const sorted = [...samples].sort((a, b) => a - b)
      return {
        samples: samples.length,
        intervalMs,
        peakMb: round(Math.max(hwm, sorted.at(-1) ?? 0)),
        p95Mb: round(quantile(sorted, 0.95)),
        p50Mb: round(quantile(sorted, 0.5)),
        lastMb: round(samples.at(-1) ?? 0),
        peakSinceStart,
      }
    },
  }
}

/** One line for a benchmark's output. */
export const formatRss = (rss: RssSummary): string =>
  `RSS peak ${rss.peakMb.toFixed(0)} MB, p95 ${rss.p95Mb.toFixed(0)} MB, p50 ${rss.p50Mb.toFixed(0)} MB (${rss.samples} samples every ${rss.intervalMs} ms${rss.peakSinceStart ? "" : "; peak includes start-up"})`
