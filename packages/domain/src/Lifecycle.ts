import { classifyStatus, RECEIVED } from "./StatusVocabulary.ts"
import { Micros } from "./Timestamp.ts"

export type ServiceState = "open" | "success" | "error"
export type PayloadOutcome = "success" | "error" | "in_progress" | "stalled"

interface LifecycleStatus {
  readonly service: string
  readonly status: string
  readonly date: Micros
}

export interface ServiceLifecycle {
  readonly service: string
  readonly state: ServiceState
  readonly firstDate: Micros
  readonly lastDate: Micros
  /** From the first `received` (else the first status) to the last terminal status; open services: undefined. */
  readonly elapsed: Micros | undefined
}

export interface PayloadLifecycle {
  readonly outcome: PayloadOutcome
  readonly services: ReadonlyArray<ServiceLifecycle>
  readonly firstDate: Micros
  readonly lastDate: Micros
  /** First to last status over the whole payload. */
  readonly total: Micros
}

const serviceLifecycle = (service: string, statuses: ReadonlyArray<LifecycleStatus>): ServiceLifecycle => {
  // Ordered by date, never by arrival (records arrive out of order).
  const ordered = [...statuses].sort((a, b) => a.date - b.date)
  const firstDate = ordered[0]!.date
  const lastDate = ordered[ordered.length - 1]!.date
  const start = ordered.find((s) => s.status === RECEIVED)?.date ?? firstDate
  let state: ServiceState = "open"
  let lastTerminal: Micros | undefined
  let sawError = false
  for (const s of ordered) {
    const kind = classifyStatus(s.status)
    if (kind === "error") sawError = true
    if (kind === "success" || kind === "error") lastTerminal = s.date
  }
  // A service that reported an error failed the payload, even if it later said `success` (storage-broker
  // reports `success` after copying a rejected upload to the reject bucket; puptoo sends `error` then `failed`).
  if (sawError) state = "error"
  else if (lastTerminal !== undefined) state = "success"
  // A new `received` after the last terminal status means the stage was retried and is open again.
  const lastReceived = ordered.findLast((s) => s.status === RECEIVED)?.date
  if (
    state === "success" &&
    lastReceived !== undefined &&
    lastTerminal !== undefined &&
    lastReceived > lastTerminal
  ) {
    state = "open"
  }
  return {
    service,
    state,
    firstDate,
    lastDate,
    elapsed: lastTerminal === undefined ? undefined : Micros.make(Math.max(0, lastTerminal - start)),
  }
}

/**
 * The payload's story from its statuses: per-service state and elapsed time, and the outcome.
 * `now` and `stalledAfter` decide `stalled` (still in progress, latest status older than the threshold).
 */
export const payloadLifecycle = (
  statuses: ReadonlyArray<LifecycleStatus>,
  options: { readonly now: Micros; readonly stalledAfter: Micros },
): PayloadLifecycle | undefined => {
  if (statuses.length === 0) return undefined
  const byService = new Map<string, Array<LifecycleStatus>>()
  for (const s of statuses) {
    const group = byService.get(s.service)
    if (group) group.push(s)
    else byService.set(s.service, [s])
  }
  const services = [...byService].map(([service, group]) => serviceLifecycle(service, group))
  services.sort((a, b) => a.firstDate - b.firstDate || (a.service < b.service ? -1 : 1))
  const firstDate = Micros.make(Math.min(...services.map((s) => s.firstDate)))
  const lastDate = Micros.make(Math.max(...services.map((s) => s.lastDate)))
  let outcome: PayloadOutcome
  if (services.some((s) => s.state === "error")) outcome = "error"
  else if (services.every((s) => s.state === "success")) outcome = "success"
  else outcome = options.now - lastDate > options.stalledAfter ? "stalled" : "in_progress"
  return { outcome, services, firstDate, lastDate, total: Micros.make(lastDate - firstDate) }
}
