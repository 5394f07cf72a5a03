import { Context, type Effect } from "effect"
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
import type { Micros } from "../Timestamp.ts"
import type { StoreUnavailable } from "./StoreUnavailable.ts"

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
      requestId: string,
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
  }
>()("@pt/domain/ports/PayloadQueries") {}
