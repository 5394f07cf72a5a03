import { Context, type Effect } from "effect"
import type { AnalyticsQuery, PipelineAnalytics } from "../Analytics.ts"
import type { Payload, StoredStatus } from "../Payload.ts"
import type {
  HostHistory,
  HostHistoryQuery,
  Page,
  PayloadListItem,
  PayloadListQuery,
  StatusCount,
  StatusListQuery,
} from "../Queries.ts"
import type { RequestId } from "../RequestId.ts"
import type { OutcomeAt } from "../Summary.ts"
import type { Micros } from "../Timestamp.ts"
import type { StoreUnavailable } from "./StoreUnavailable.ts"

/**
 * Where unfinished payloads wait: per service, the payloads still in progress (outcome `in_progress` or
 * `stalled`: no service failed, not all succeeded) in which that service's stage is open, and how many of those
 * are `stalled` (latest status older than `stalledAfter`). A payload open in two services counts in both.
 */
export interface OpenServiceCount {
  readonly service: string
  readonly open: number
  readonly stalled: number
}

/**
 * The read side of the store: every query the API needs. Lists sort with a unique tie-breaker (payload id,
 * status id) so pages never overlap, and `count` ignores paging.
 */
export class PayloadQueries extends Context.Service<
  PayloadQueries,
  {
    readonly listPayloads: (query: PayloadListQuery) => Effect.Effect<Page<PayloadListItem>, StoreUnavailable>
    readonly listStatuses: (query: StatusListQuery) => Effect.Effect<Page<StoredStatus>, StoreUnavailable>
    /** The payload and all its statuses (unsorted), or undefined when the payload has no statuses. */
    readonly payloadHistory: (
      requestId: RequestId,
    ) => Effect.Effect<
      { readonly payload: Payload; readonly statuses: ReadonlyArray<StoredStatus> } | undefined,
      StoreUnavailable
    >
    /** Counts per service of statuses in `statuses` with `date >= since`. */
    readonly countStatuses: (
      since: Micros,
      statuses: ReadonlyArray<string>,
    ) => Effect.Effect<ReadonlyArray<StatusCount>, StoreUnavailable>
    /** A host's uploads with their summaries, or undefined when no payload has that inventory_id/system_id. */
    readonly hostHistory: (
      query: HostHistoryQuery,
    ) => Effect.Effect<HostHistory | undefined, StoreUnavailable>
    /** Per service with at least one open payload, the counts of OpenServiceCount (for the gauges). */
    readonly openByService: (
      at: OutcomeAt,
    ) => Effect.Effect<ReadonlyArray<OpenServiceCount>, StoreUnavailable>
    /** Per-service analytics of the stages that started in the window, and the flow between them (Analytics.ts). */
    readonly pipelineAnalytics: (query: AnalyticsQuery) => Effect.Effect<PipelineAnalytics, StoreUnavailable>
  }
>()("@pt/domain/ports/PayloadQueries") {}
