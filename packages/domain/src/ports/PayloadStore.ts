import { Context, type Effect } from "effect"
import type { StatusEvent } from "../StatusEvent.ts"
import type { Micros } from "../Timestamp.ts"
import type { StoreUnavailable } from "./StoreUnavailable.ts"

/** A service's stage of one payload that this batch finished: its state went from open (or unseen) to terminal. */
export interface FinishedStage {
  readonly service: string
  readonly state: "success" | "error"
  /** Summary.ts `serviceElapsed` after the batch: first `received` (else first status) to last terminal status. */
  readonly elapsed: Micros
}

export interface RecordResult {
  /** Status rows newly stored. */
  readonly inserted: number
  /** Statuses that were already stored (redelivery) or repeated inside the batch. */
  readonly duplicates: number
  /**
   * The stages this batch finished, comparing each (payload, service)'s state before and after the batch
   * (Summary.ts `serviceState`), for the outcome counters and stage histogram. A redelivery changes no summary,
   * so it finishes nothing: each finish is reported once. A stage reopened by a later `received` and finished
   * again is reported again (a retry). Stores that do not report it leave it undefined.
   */
  readonly finished?: ReadonlyArray<FinishedStage>
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
