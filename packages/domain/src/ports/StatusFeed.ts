import { Context, type Effect, type Stream } from "effect"
import type { RequestId } from "../RequestId.ts"
import type { StatusEvent } from "../StatusEvent.ts"

/**
 * Tells readers that statuses were stored, so live views update without polling. In one process it is an
 * in-memory PubSub; across processes (consumer → API) the PostgreSQL adapter uses LISTEN/NOTIFY.
 */
export class StatusFeed extends Context.Service<
  StatusFeed,
  {
    /** Announce statuses after their batch committed. Never fails the write path. */
    readonly publish: (events: ReadonlyArray<StatusEvent>) => Effect.Effect<void>
    /** Request ids of newly stored statuses, as they are stored. */
    readonly subscribe: Stream.Stream<RequestId>
  }
>()("@pt/domain/ports/StatusFeed") {}
