import type { StatusEvent } from "@pt/domain/StatusEvent"
import { classifyStatus } from "@pt/domain/StatusVocabulary"
import { compareStatusPoint } from "@pt/domain/Summary"

/**
 * What the summary's SQL needs to know of each status of a batch, as bits of one small integer per status
 * (queries/SummarySql.ts): every field of a service's summary is then a plain aggregate filtered by a bit test,
 * in one pass with no sort and no comparison of status words.
 */
export const SummaryFlag = {
  /** The status is its payload's and service's latest in the batch (the summary's `lastStatus`). */
  lastStatus: 1,
  /** The status is its payload's and service's earliest error in the batch (the summary's `firstError`). */
  firstError: 2,
  /** The status word is `received`. */
  received: 4,
  /** The status word ends a stage (success or error). */
  terminal: 8,
  /** The status word is an error. */
  error: 16,
  /**
   * The status's payload was not created by the writing transaction, so it may have a stored summary row to
   * merge with (set in the transaction, after the payload upsert; not by summaryFlags).
   */
  maybeStored: 32,
} as const

const KIND_FLAGS = {
  received: SummaryFlag.received,
  success: SummaryFlag.terminal,
  error: SummaryFlag.terminal | SummaryFlag.error,
  progress: 0,
} as const

/** Each status's SummaryFlags, by the domain's vocabulary (classifyStatus) and tie rules (compareStatusPoint). */
export const summaryFlags = (statuses: ReadonlyArray<StatusEvent>): Array<number> => {
  const last = new Map<string, number>()
  const firstError = new Map<string, number>()
  const flags = statuses.map((e, i) => {
    const kind = classifyStatus(e.status)
    const key = `${e.request_id}\u0000${e.service}`
    const l = last.get(key)
    if (l === undefined || compareStatusPoint(e, statuses[l]!) > 0) last.set(key, i)
    if (kind === "error") {
      const f = firstError.get(key)
      if (f === undefined || compareStatusPoint(e, statuses[f]!) < 0) firstError.set(key, i)
    }
    return KIND_FLAGS[kind]
  })
  for (const i of last.values()) flags[i] = (flags[i] ?? 0) | SummaryFlag.lastStatus
  for (const i of firstError.values()) flags[i] = (flags[i] ?? 0) | SummaryFlag.firstError
  return flags
}
