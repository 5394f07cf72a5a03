import type { StatusEvent } from "@pt/domain/StatusEvent"
import { classifyStatus } from "@pt/domain/StatusVocabulary"
import { compareStatusPoint } from "@pt/domain/Summary"

/** The status is its payload's and service's latest in the batch (the summary's `lastStatus`). */
export const LAST_STATUS_ROLE = 1
/** The status is its payload's and service's earliest error in the batch (the summary's `firstError`). */
export const FIRST_ERROR_ROLE = 2

/**
 * Each status's role in the batch's summary, by the domain's tie rules (compareStatusPoint): LAST_STATUS_ROLE,
 * FIRST_ERROR_ROLE, both, or 0. With them the summary's SQL takes those two fields from the flagged rows with
 * plain aggregates (queries/SummarySql.ts) instead of sorting the batch twice per payload and service.
 */
export const summaryRoles = (statuses: ReadonlyArray<StatusEvent>): Array<number> => {
  const last = new Map<string, number>()
  const firstError = new Map<string, number>()
  statuses.forEach((e, i) => {
    const key = `${e.request_id}\u0000${e.service}`
    const l = last.get(key)
    if (l === undefined || compareStatusPoint(e, statuses[l]!) > 0) last.set(key, i)
    if (classifyStatus(e.status) !== "error") return
    const f = firstError.get(key)
    if (f === undefined || compareStatusPoint(e, statuses[f]!) < 0) firstError.set(key, i)
  })
  const roles = new Array<number>(statuses.length).fill(0)
  for (const i of last.values()) roles[i] = LAST_STATUS_ROLE
  for (const i of firstError.values()) roles[i] = (roles[i] ?? 0) | FIRST_ERROR_ROLE
  return roles
}
