import { Context, type Effect } from "effect"
import type { StatusEvent } from "../StatusEvent.ts"
import type { StoreUnavailable } from "./StoreUnavailable.ts"

export interface RecordResult {
  /** Status rows newly stored. */
  readonly inserted: number
  /** Statuses that were already stored (redelivery) or repeated inside the batch. */
  readonly duplicates: number
}

/**
 * The write side of the store: the consumer's hot path. `record` is atomic (all or nothing) and idempotent:
 * the same status delivered twice is stored once, payload fields merge by the rules of docs/status-messages.md whatever
 * the arrival order, and two writers may record the same new payload concurrently.
 */
export class PayloadStore extends Context.Service<
  PayloadStore,
  {
    readonly record: (events: ReadonlyArray<StatusEvent>) => Effect.Effect<RecordResult, StoreUnavailable>
    /** Cheap liveness check of the backing store (for `/health` and `/ready`). */
    readonly ping: Effect.Effect<void, StoreUnavailable>
  }
>()("@pt/domain/ports/PayloadStore") {}
