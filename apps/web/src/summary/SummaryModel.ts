import type { Outcome, PayloadSummary } from "../api/ApiTypes.ts"

/**
 * What a list shows of a payload's `summary` (`/payloads?summary=true`, `/hosts`): its outcome, and where it
 * failed or waits. Flat text fields, so the table, the CSV export and the tests read the same values.
 */
export const OUTCOME_LABEL = {
  success: { color: "green", text: "success" },
  error: { color: "red", text: "error" },
  in_progress: { color: "blue", text: "in progress" },
  stalled: { color: "orange", text: "stalled" },
} as const satisfies Record<Outcome, { color: string; text: string }>

/**
 * Where the payload is: the first error's service and message; for one still going (or stalled), the services
 * still open (where it is stuck); nothing for a success.
 */
export const whereText = (summary: PayloadSummary): string => {
  switch (summary.outcome) {
    case "success":
      return ""
    case "error": {
      const e = summary.first_error ?? summary.last_status
      return `failed in ${e.service}: ${e.status_msg || e.status}`
    }
    case "in_progress":
    case "stalled": {
      const open = summary.services.filter((s) => s.state === "open").map((s) => s.service)
      return open.length > 0
        ? `open in ${open.join(", ")} since ${summary.last_status.date}`
        : `last status ${summary.last_status.service}: ${summary.last_status.status}`
    }
  }
}

const isSummary = (value: unknown): value is PayloadSummary =>
  typeof value === "object" && value !== null && "outcome" in value

/** A list row with `outcome` and `where` copied out of its `summary` (rows without one pass unchanged). */
export const withSummaryCells = (
  row: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> => {
  const summary = row.summary
  if (!isSummary(summary)) return row
  return { ...row, outcome: summary.outcome, where: whereText(summary) }
}
