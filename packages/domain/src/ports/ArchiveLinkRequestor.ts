import { Context, type Effect, Schema } from "effect"
import type { RequestId } from "../RequestId.ts"

/** The archive-link requestor (storage broker) failed; `reason` decides 502 or 504 at the API. */
export class ArchiveLinkFailed extends Schema.TaggedError<ArchiveLinkFailed>()("ArchiveLinkFailed", {
  reason: Schema.Literals(["unreachable", "timeout", "bad_response"]),
  message: Schema.String,
}) {}

/** Asks the storage broker for a download URL of a payload's archive; `undefined` when it has none. */
export class ArchiveLinkRequestor extends Context.Service<
  ArchiveLinkRequestor,
  { readonly requestUrl: (requestId: RequestId) => Effect.Effect<string | undefined, ArchiveLinkFailed> }
>()("@pt/domain/ports/ArchiveLinkRequestor") {}
