import type { OpenServiceCount } from "@pt/domain/ports/PayloadQueries"
import type { FinishedStage } from "@pt/domain/ports/PayloadStore"
import {
  compareText,
  type OutcomeAt,
  type PayloadSummary,
  type ServiceSummary,
  serviceElapsed,
  serviceState,
  summaryOutcome,
} from "@pt/domain/Summary"

/** PayloadQueries.openByService over the payloads' summaries (services in code point order). */
export const openByService = (
  summaries: Iterable<PayloadSummary>,
  at: OutcomeAt,
): ReadonlyArray<OpenServiceCount> => {
  const counts = new Map<string, { open: number; stalled: number }>()
  for (const summary of summaries) {
    const outcome = summaryOutcome(summary, at)
    if (outcome !== "in_progress" && outcome !== "stalled") continue
    for (const [service, s] of Object.entries(summary.services)) {
      if (serviceState(s) !== "open") continue
      const c = counts.get(service) ?? { open: 0, stalled: 0 }
      c.open++
      if (outcome === "stalled") c.stalled++
      counts.set(service, c)
    }
  }
  return [...counts]
    .sort(([a], [b]) => compareText(a, b))
    .map(([service, c]) => ({ service, open: c.open, stalled: c.stalled }))
}

/**
 * Collects RecordResult.finished for one batch: `before` is called with each (payload, service) summary before
 * the batch first touches it, `finished` compares them with the summaries after the batch, so the statuses'
 * order inside the batch does not matter.
 */
export const finishedStages = () => {
  const before = new Map<number, Map<string, ServiceSummary | undefined>>()
  return {
    before: (payloadId: number, service: string, known: ServiceSummary | undefined) => {
      let byService = before.get(payloadId)
      if (byService === undefined) {
        byService = new Map()
        before.set(payloadId, byService)
      }
      if (!byService.has(service)) byService.set(service, known)
    },
    finished: (after: (payloadId: number, service: string) => ServiceSummary): Array<FinishedStage> => {
      const done: Array<FinishedStage> = []
      for (const [payloadId, byService] of before) {
        for (const [service, known] of byService) {
          if (known !== undefined && serviceState(known) !== "open") continue
          const now = after(payloadId, service)
          const state = serviceState(now)
          // A terminal state always has a last terminal status, so an elapsed time.
          const elapsed = serviceElapsed(now)
          if (state !== "open" && elapsed !== undefined) done.push({ service, state, elapsed })
        }
      }
      return done
    },
  }
}
