/**
 * The per-payload, per-service summary a store keeps beside the statuses, so lists can filter and show a payload's
 * outcome without reading its statuses (docs/status-messages.md, "Required statuses and a payload's outcome").
 *
 * Statuses arrive shuffled and redelivered, so every field is a merge that is commutative, associative and
 * idempotent: an earliest or latest date, an "or", or the least/greatest point of a total order (date first, then
 * the text fields in code point order, which is PostgreSQL's "C" collation). The stored summary is therefore the
 * summary of all the payload's statuses, whatever the arrival order and duplication, and the lifecycle derived
 * from it equals `payloadLifecycle(statuses)` (packages/domain/test/Summary.test.ts proves it on random input).
 * No count of statuses is kept: a redelivered status would count twice.
 */
import type { PayloadLifecycle, PayloadOutcome, ServiceLifecycle, ServiceState } from "./Lifecycle.ts"
import { classifyStatus } from "./StatusVocabulary.ts"
import { Micros } from "./Timestamp.ts"

/** What the summary reads of a status. */
export interface SummaryStatus {
  readonly service: string
  readonly status: string
  readonly status_msg: string
  readonly date: Micros
}

/** One status as the summary keeps it: its date, word and message. */
interface StatusPoint {
  readonly date: Micros
  readonly status: string
  readonly status_msg: string
}

/** A status point with its service (the payload-level last status and first error). */
interface ServiceStatusPoint extends StatusPoint {
  readonly service: string
}

export interface ServiceSummary {
  /** Earliest status date. */
  readonly firstDate: Micros
  /** Latest status date. */
  readonly lastDate: Micros
  /** Earliest `received`, if any: where the elapsed time starts. */
  readonly firstReceived?: Micros
  /** Latest `received`, if any: after the last terminal status it reopens the stage. */
  readonly lastReceived?: Micros
  /** Latest success or error status (StatusVocabulary), if any. */
  readonly lastTerminal?: Micros
  /** Some status of the service is an error word. */
  readonly sawError: boolean
  /** The earliest error status (ties: least status, then status_msg). */
  readonly firstError?: StatusPoint
  /** The latest status (ties: greatest status, then status_msg). */
  readonly lastStatus: StatusPoint
}

export interface PayloadSummary {
  /** Per service name. */
  readonly services: Readonly<Record<string, ServiceSummary>>
  /** Earliest status date of the payload. */
  readonly firstDate: Micros
  /** Latest status date of the payload (what `stalled` compares with). */
  readonly lastDate: Micros
  /** The payload's latest status (ties: greatest service, status, status_msg). */
  readonly lastStatus: ServiceStatusPoint
  /** The payload's earliest error status (ties: least service, status, status_msg), if any. */
  readonly firstError?: ServiceStatusPoint
}

/** `now` and the threshold that make an in-progress payload `stalled` (Track.ts StalledAfter). */
export interface OutcomeAt {
  readonly now: Micros
  readonly stalledAfter: Micros
}

/**
 * Code point order of two strings: the order of their UTF-8 bytes, i.e. PostgreSQL's "C" collation. JS `<`
 * compares UTF-16 code units, which puts astral characters (surrogate pairs) before U+E000–U+FFFF; shifting the
 * units fixes that, so the memory store and PostgreSQL break ties the same way.
 */
export const compareText = (a: string, b: string): number => {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x === y) continue
    if (x >= 0xd800) x += x < 0xe000 ? 0x2000 : -0x800
    if (y >= 0xd800) y += y < 0xe000 ? 0x2000 : -0x800
    return x - y
  }
  return a.length - b.length
}

/**
 * The order of the summary's status points: date, then status, then status_msg (code point order). A service's
 * `lastStatus` is its greatest point, its `firstError` the least of its error points.
 */
export const compareStatusPoint = (a: StatusPoint, b: StatusPoint): number =>
  a.date - b.date || compareText(a.status, b.status) || compareText(a.status_msg, b.status_msg)

const compareServicePoint = (a: ServiceStatusPoint, b: ServiceStatusPoint): number =>
  a.date - b.date ||
  compareText(a.service, b.service) ||
  compareText(a.status, b.status) ||
  compareText(a.status_msg, b.status_msg)

const minOpt = (a: Micros | undefined, b: Micros | undefined): Micros | undefined =>
  a === undefined ? b : b === undefined ? a : Micros.make(Math.min(a, b))
const maxOpt = (a: Micros | undefined, b: Micros | undefined): Micros | undefined =>
  a === undefined ? b : b === undefined ? a : Micros.make(Math.max(a, b))

const least = <A>(a: A | undefined, b: A | undefined, compare: (x: A, y: A) => number): A | undefined =>
  a === undefined ? b : b === undefined ? a : compare(b, a) < 0 ? b : a
const greatest = <A>(a: A, b: A, compare: (x: A, y: A) => number): A => (compare(b, a) > 0 ? b : a)

/** Builds a summary without the optional keys that are undefined (so equal summaries are deep-equal). */
const serviceSummary = (s: {
  firstDate: Micros
  lastDate: Micros
  firstReceived: Micros | undefined
  lastReceived: Micros | undefined
  lastTerminal: Micros | undefined
  sawError: boolean
  firstError: StatusPoint | undefined
  lastStatus: StatusPoint
}): ServiceSummary => ({
  firstDate: s.firstDate,
  lastDate: s.lastDate,
  ...(s.firstReceived === undefined ? {} : { firstReceived: s.firstReceived }),
  ...(s.lastReceived === undefined ? {} : { lastReceived: s.lastReceived }),
  ...(s.lastTerminal === undefined ? {} : { lastTerminal: s.lastTerminal }),
  sawError: s.sawError,
  ...(s.firstError === undefined ? {} : { firstError: s.firstError }),
  lastStatus: s.lastStatus,
})

/** The summary of one status of a service. */
export const statusSummary = (s: Omit<SummaryStatus, "service">): ServiceSummary => {
  const kind = classifyStatus(s.status)
  const point: StatusPoint = { date: s.date, status: s.status, status_msg: s.status_msg }
  return serviceSummary({
    firstDate: s.date,
    lastDate: s.date,
    firstReceived: kind === "received" ? s.date : undefined,
    lastReceived: kind === "received" ? s.date : undefined,
    lastTerminal: kind === "success" || kind === "error" ? s.date : undefined,
    sawError: kind === "error",
    firstError: kind === "error" ? point : undefined,
    lastStatus: point,
  })
}

/** Merge of two summaries of the same service: commutative, associative and idempotent. */
export const mergeServiceSummary = (a: ServiceSummary, b: ServiceSummary): ServiceSummary =>
  serviceSummary({
    firstDate: Micros.make(Math.min(a.firstDate, b.firstDate)),
    lastDate: Micros.make(Math.max(a.lastDate, b.lastDate)),
    firstReceived: minOpt(a.firstReceived, b.firstReceived),
    lastReceived: maxOpt(a.lastReceived, b.lastReceived),
    lastTerminal: maxOpt(a.lastTerminal, b.lastTerminal),
    sawError: a.sawError || b.sawError,
    firstError: least(a.firstError, b.firstError, compareStatusPoint),
    lastStatus: greatest(a.lastStatus, b.lastStatus, compareStatusPoint),
  })

/** The payload summary of per-service summaries (the payload-level fields derive from them). */
export const summaryOfServices = (
  services: Readonly<Record<string, ServiceSummary>>,
): PayloadSummary | undefined => {
  let firstDate: Micros | undefined
  let lastDate: Micros | undefined
  let lastStatus: ServiceStatusPoint | undefined
  let firstError: ServiceStatusPoint | undefined
  for (const [service, s] of Object.entries(services)) {
    firstDate = minOpt(firstDate, s.firstDate)
    lastDate = maxOpt(lastDate, s.lastDate)
    const last = { service, ...s.lastStatus }
    lastStatus = lastStatus === undefined ? last : greatest(lastStatus, last, compareServicePoint)
    if (s.firstError !== undefined)
      firstError = least(firstError, { service, ...s.firstError }, compareServicePoint)
  }
  if (firstDate === undefined || lastDate === undefined || lastStatus === undefined) return undefined
  return {
    services,
    firstDate,
    lastDate,
    lastStatus,
    ...(firstError === undefined ? {} : { firstError }),
  }
}

/** Merge of two payload summaries (per service by `mergeServiceSummary`): commutative, associative, idempotent. */
export const mergeSummary = (a: PayloadSummary, b: PayloadSummary): PayloadSummary => {
  // A Map, not assignment into an object: a service named `__proto__` must stay a key.
  const services = new Map(Object.entries(a.services))
  for (const [service, s] of Object.entries(b.services)) {
    const known = services.get(service)
    services.set(service, known === undefined ? s : mergeServiceSummary(known, s))
  }
  return summaryOfServices(Object.fromEntries([...services].sort(([x], [y]) => compareText(x, y))))!
}

/** The summary of a payload's statuses, in any order and with any duplicates; undefined when there are none. */
export const summarize = (statuses: ReadonlyArray<SummaryStatus>): PayloadSummary | undefined => {
  const services = new Map<string, ServiceSummary>()
  for (const s of statuses) {
    const one = statusSummary(s)
    const known = services.get(s.service)
    services.set(s.service, known === undefined ? one : mergeServiceSummary(known, one))
  }
  // Keys in a canonical order, so equal summaries are deep-equal whatever the arrival order.
  const sorted = [...services].sort(([a], [b]) => compareText(a, b))
  return summaryOfServices(Object.fromEntries(sorted))
}

/** A service's state by the rules of Lifecycle.ts. */
export const serviceState = (s: ServiceSummary): ServiceState => {
  // An error fails the stage even when a success follows (storage-broker, puptoo).
  if (s.sawError) return "error"
  if (s.lastTerminal === undefined) return "open"
  // A `received` after the last terminal status: the stage was retried and is open again.
  return s.lastReceived !== undefined && s.lastReceived > s.lastTerminal ? "open" : "success"
}

/** From the first `received` (else the first status) to the last terminal status; undefined while open-ended. */
export const serviceElapsed = (s: ServiceSummary): Micros | undefined =>
  s.lastTerminal === undefined
    ? undefined
    : Micros.make(Math.max(0, s.lastTerminal - (s.firstReceived ?? s.firstDate)))

/** The payload's outcome by the rules of Lifecycle.ts. */
export const summaryOutcome = (summary: PayloadSummary, at: OutcomeAt): PayloadOutcome => {
  const states = Object.values(summary.services).map(serviceState)
  if (states.includes("error")) return "error"
  if (states.every((state) => state === "success")) return "success"
  return at.now - summary.lastDate > at.stalledAfter ? "stalled" : "in_progress"
}

/** The same `PayloadLifecycle` that `payloadLifecycle(statuses)` computes, from the summary alone. */
export const summaryLifecycle = (summary: PayloadSummary, at: OutcomeAt): PayloadLifecycle => {
  const services: Array<ServiceLifecycle> = Object.entries(summary.services).map(([service, s]) => ({
    service,
    state: serviceState(s),
    firstDate: s.firstDate,
    lastDate: s.lastDate,
    elapsed: serviceElapsed(s),
  }))
  services.sort((a, b) => a.firstDate - b.firstDate || (a.service < b.service ? -1 : 1))
  return {
    outcome: summaryOutcome(summary, at),
    services,
    firstDate: summary.firstDate,
    lastDate: summary.lastDate,
    total: Micros.make(summary.lastDate - summary.firstDate),
  }
}
