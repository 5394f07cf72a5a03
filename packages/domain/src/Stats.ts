import { Effect } from "effect"
import { PayloadQueries } from "./ports/PayloadQueries.ts"
import { classifyStatus, ERROR_STATUSES, SUCCESS_STATUSES } from "./StatusVocabulary.ts"
import type { Micros } from "./Timestamp.ts"

export const STATS = ["SuccessRate"] as const

interface ServiceSuccessRate {
  readonly service: string
  readonly success: number
  readonly error: number
  /** success / (success + error) in percent, 0 when the service reported neither. */
  readonly success_rate: number
}

/** Per service since `since`: statuses that ended a stage successfully vs. in error (legacy words included). */
export const successRate = Effect.fn("Stats.successRate")(function* (since: Micros) {
  const queries = yield* PayloadQueries
  const counts = yield* queries.countStatuses(since, [...SUCCESS_STATUSES, ...ERROR_STATUSES])
  const byService = new Map<string, { success: number; error: number }>()
  for (const { service, status, count } of counts) {
    const entry = byService.get(service) ?? { success: 0, error: 0 }
    if (classifyStatus(status) === "success") entry.success += count
    else entry.error += count
    byService.set(service, entry)
  }
  return [...byService]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(
      ([service, { success, error }]): ServiceSuccessRate => ({
        service,
        success,
        error,
        success_rate: success + error === 0 ? 0 : Math.round((10000 * success) / (success + error)) / 100,
      }),
    )
})
