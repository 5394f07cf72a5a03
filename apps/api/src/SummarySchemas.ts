import type { ServiceState } from "@pt/domain/Lifecycle"
import { type OutcomeAt, type PayloadSummary, summaryLifecycle } from "@pt/domain/Summary"
import { Schema } from "effect"
import { omittedWhenUndefined, secondsFrom, Text, timestampFrom } from "./WireCodecs.ts"

/**
 * The payload summary on the wire (`/payloads?summary=true` items and `/hosts` uploads), from the domain's
 * stored summary (packages/domain/src/Summary.ts). Field order here is the key order on the wire; optional keys
 * are left out rather than sent empty, like the other answers (Schemas.ts).
 */

const Timestamp = timestampFrom(
  Schema.String.annotate({ description: "RFC 3339, UTC, as Go's RFC3339Nano prints it" }),
)

const OUTCOMES = ["success", "error", "in_progress", "stalled"] as const
const SERVICE_STATES = ["error", "success", "open"] as const satisfies ReadonlyArray<ServiceState>

/** A service of the domain's lifecycle (ServiceLifecycle) under the wire's names. */
const ServiceItem = Schema.Struct({
  service: Schema.String,
  state: Schema.Literals(SERVICE_STATES).annotate({
    description:
      "error if any status was an error word; open until a terminal status (or reopened by a received)",
  }),
  firstDate: Timestamp,
  lastDate: Timestamp,
  elapsed: omittedWhenUndefined(
    secondsFrom(
      Schema.Number.annotate({
        description:
          "From the first received (else the first status) to the last success/error status, in seconds with " +
          "microsecond precision; left out while the service has no terminal status",
      }),
    ),
  ),
})
  .pipe(
    Schema.encodeKeys({ firstDate: "first_date", lastDate: "last_date", elapsed: "elapsed_seconds" }),
    Schema.annotateEncoded({ identifier: "ServiceSummary" }),
  )
  .annotate({ identifier: "ServiceSummary" })

const StatusPointItem = Schema.Struct({
  service: Schema.String,
  status: Schema.String,
  status_msg: Text,
  date: Timestamp,
}).annotate({ identifier: "SummaryStatus" })

export const PayloadSummaryItem = Schema.Struct({
  outcome: Schema.Literals(OUTCOMES).annotate({
    description: "stalled: in progress with its latest status older than STALLED_AFTER",
  }),
  services: Schema.Array(ServiceItem).annotate({ description: "Ordered by first_date" }),
  lastStatus: StatusPointItem,
  firstError: omittedWhenUndefined(
    StatusPointItem.pipe(Schema.annotateEncoded({ description: "Left out when no error was seen" })),
  ),
})
  .pipe(
    Schema.encodeKeys({ lastStatus: "last_status", firstError: "first_error" }),
    Schema.annotateEncoded({
      identifier: "PayloadSummary",
      examples: [
        {
          outcome: "error",
          services: [
            {
              service: "ingress",
              state: "success",
              first_date: "2026-12-01T21:53:05.371Z",
              last_date: "2026-12-01T21:53:05.9Z",
              elapsed_seconds: 0.529,
            },
            {
              service: "puptoo",
              state: "error",
              first_date: "2026-12-01T21:53:06.01Z",
              last_date: "2026-12-01T21:53:11.133456Z",
              elapsed_seconds: 5.123456,
            },
          ],
          last_status: {
            service: "puptoo",
            status: "error",
            status_msg: "tarfile is corrupt",
            date: "2026-12-01T21:53:11.133456Z",
          },
          first_error: {
            service: "puptoo",
            status: "error",
            status_msg: "tarfile is corrupt",
            date: "2026-12-01T21:53:11.133456Z",
          },
        },
      ],
    }),
  )
  .annotate({ identifier: "PayloadSummary" })
export type PayloadSummaryItem = typeof PayloadSummaryItem.Type

/**
 * The summary answered at `at` (the request's clock and STALLED_AFTER): the outcome and each service's state
 * are the domain's lifecycle at that instant (summaryLifecycle), which no schema can compute from the row alone.
 */
export const summaryView = (summary: PayloadSummary, at: OutcomeAt): PayloadSummaryItem => {
  const lifecycle = summaryLifecycle(summary, at)
  return {
    outcome: lifecycle.outcome,
    services: lifecycle.services,
    lastStatus: summary.lastStatus,
    firstError: summary.firstError,
  }
}
