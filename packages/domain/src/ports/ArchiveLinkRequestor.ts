import { Context, type Effect } from "effect"
import type { ArchiveLinkFailed } from "../Errors.ts"

/** Asks the storage broker for a download URL of a payload's archive; `undefined` when it has none. */
export class ArchiveLinkRequestor extends Context.Service<
  ArchiveLinkRequestor,
  { readonly requestUrl: (requestId: string) => Effect.Effect<string | undefined, ArchiveLinkFailed> }
>()("@pt/domain/ports/ArchiveLinkRequestor") {}
