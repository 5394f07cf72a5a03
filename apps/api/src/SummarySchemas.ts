import type { ServiceState } from "@pt/domain/Lifecycle"
import {
  type OutcomeAt,
  type PayloadSummary,
  type ServiceStatusPoint,
  summaryLifecycle,
} from "@pt/domain/Summary"
import { formatTimestamp, type Micros } from "@pt/domain/Timestamp"
import { Schema } from "effect"

/**
 * The payload summary on the wire (`/payloads?summary=true` items and `/hosts` uploads), from the domain's
 * stored summary (packages/domain/src/Summary.ts). Field order here is the key order on the wire; optional keys
 * are left out rather than sent empty, like the other answers (Schemas.ts).
 */

const Timestamp = Schema.String.annotate({ description: "RFC 3339, UTC, as Go's RFC3339Nano prints it" })

export const OUTCOMES = ["success", "error", "in_progress", "stalled"] as const
const SERVICE_STATES = ["error", "success", "open"] as const satisfies ReadonlyArray<ServiceState>

const ServiceItem = Schema.Struct({
  service: Schema.String,
  state: Schema.Literals(SERVICE_STATES).annotate({
    description:
      "error if any status was an error word; open until a terminal status (or reopened by a received)",
  }),
  first_date: Timestamp,
  last_date: Timestamp,
  elapsed_seconds: Schema.optionalKey(Schema.Number).annotate({
    description:
      "From the first received (else the first status) to the last success/error status, in seconds with " +
      "microsecond precision; left out while the service has no terminal status",
  }),
}).annotate({ identifier: "ServiceSummary" })

const StatusPointItem = Schema.Struct({
  service: Schema.String,
  status: Schema.String,
  status_msg: Schema.optionalKey(Schema.String),
  date: Timestamp,
}).annotate({ identifier: "SummaryStatus" })

export const PayloadSummaryItem = Schema.Struct({
  outcome: Schema.Literals(OUTCOMES).annotate({
    description: "stalled: in progress with its latest status older than STALLED_AFTER",
  }),
  services: Schema.Array(ServiceItem).annotate({ description: "Ordered by first_date" }),
  last_status: StatusPointItem,
  first_error: Schema.optionalKey(StatusPointItem).annotate({
    description: "Left out when no error was seen",
  }),
}).annotate({
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
})
export type PayloadSummaryItem = typeof PayloadSummaryItem.Type

/** Microseconds as seconds: exact to the microsecond, as the stored dates are. */
const seconds = (micros: Micros): number => micros / 1e6

const pointView = (p: ServiceStatusPoint) => ({
  service: p.service,
  status: p.status,
  ...(p.status_msg === "" ? {} : { status_msg: p.status_msg }),
  date: formatTimestamp(p.date),
})

/** The wire summary; `at` (the request's clock and STALLED_AFTER) tells `stalled` from `in_progress`. */
export const summaryView = (summary: PayloadSummary, at: OutcomeAt): PayloadSummaryItem => {
  const lifecycle = summaryLifecycle(summary, at)
  return {
    outcome: lifecycle.outcome,
    services: lifecycle.services.map((s) => ({
      service: s.service,
      state: s.state,
      first_date: formatTimestamp(s.firstDate),
      last_date: formatTimestamp(s.lastDate),
      ...(s.elapsed === undefined ? {} : { elapsed_seconds: seconds(s.elapsed) }),
    })),
    last_status: pointView(summary.lastStatus),
    ...(summary.firstError === undefined ? {} : { first_error: pointView(summary.firstError) }),
  }
}
