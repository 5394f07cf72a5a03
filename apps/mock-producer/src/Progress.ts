import { Effect, Fiber } from "effect"
import type { Pump } from "./Pump.ts"

const clock = (ms: number): string => {
  const s = Math.max(0, Math.round(ms / 1000))
  return `${String(Math.floor(s / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`
}

/**
 * The live progress line on stderr: sent, current rate, errors, elapsed/remaining. Redrawn in place on a
 * terminal, one line every 5 s otherwise (CI logs).
 */
export const Progress = {
  start: Effect.fnUntraced(function* (
    pump: Pump,
    options: { readonly progress: boolean; readonly durationMs: number | undefined; readonly unit: string },
    uploads: () => number,
  ) {
    const tty = process.stderr.isTTY === true
    if (!options.progress) return { stop: Effect.void }
    const origin = yield* pump.nowMicros
    let lastSent = 0
    let lastAt = origin
    const line = (now: number) => {
      const rate = ((pump.stats.sent - lastSent) * 1_000_000) / Math.max(1, now - lastAt)
      lastSent = pump.stats.sent
      lastAt = now
      const elapsedMs = (now - origin) / 1000
      const remaining =
        options.durationMs === undefined ? "" : ` / ${clock(options.durationMs - elapsedMs)} left`
      return (
        `sent ${pump.stats.sent} statuses (${uploads()} uploads) | ${rate.toFixed(1)} statuses/s | ` +
        `errors ${pump.stats.errors} rejected ${pump.stats.rejected} | ${clock(elapsedMs)}${remaining}`
      )
    }
    const fiber = yield* Effect.forkChild(
      Effect.forever(
        Effect.gen(function* () {
          yield* Effect.sleep(tty ? 1000 : 5000)
          const text = line(yield* pump.nowMicros)
          process.stderr.write(tty ? `\r\x1b[2K${text}` : `${text}\n`)
        }),
      ),
    )
    return {
      stop: Effect.gen(function* () {
        yield* Fiber.interrupt(fiber)
        process.stderr.write(tty ? `\r\x1b[2K${line(yield* pump.nowMicros)}\n` : "")
      }),
    }
  }),
}
