/**
 * The status words and what each means for a service's stage (docs/status-messages.md, "Required statuses and a payload's outcome"). Every service
 * that touches a payload reports `received` when it takes the payload and `success` or `error` when its stage is
 * done; anything else (`processing`, `validated`, …) is progress detail. The earliest tracker's words stay
 * meaningful: `successful`/`processing_success` end a stage successfully, `failure`/`failed`/`invalid`/
 * `rejected`/`processing_error` in error. Statuses are stored lower-case, so the words are too.
 */

/** How a status word counts: a stage starts (`received`), ends (`success`, `error`) or reports `progress`. */
export type StatusKind = "received" | "success" | "error" | "progress"

/** The word that opens (or, after a terminal status, reopens) a service's stage. */
export const RECEIVED = "received"

const SUCCESS = new Set(["success", "successful", "processing_success"])
const ERROR = new Set(["error", "failure", "failed", "invalid", "rejected", "processing_error"])

/** Every word that ends a stage successfully (`/stats` counts them). */
export const SUCCESS_STATUSES: ReadonlyArray<string> = [...SUCCESS]
/** Every word that ends a stage in error. */
export const ERROR_STATUSES: ReadonlyArray<string> = [...ERROR]

export const classifyStatus = (status: string): StatusKind =>
  SUCCESS.has(status)
    ? "success"
    : ERROR.has(status)
      ? "error"
      : status === RECEIVED
        ? "received"
        : "progress"
