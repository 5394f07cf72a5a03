import { ArchiveLinkRequestor } from "@pt/domain/ports/ArchiveLinkRequestor"
import { Effect, Layer } from "effect"

/**
 * `REQUESTOR_IMPL=mock`: answers a local URL without asking a storage broker, like the Go service's mock.
 */
export const mockArchiveLinkRequestor = (baseUrl: string): Layer.Layer<ArchiveLinkRequestor> =>
  Layer.succeed(
    ArchiveLinkRequestor,
    ArchiveLinkRequestor.of({ requestUrl: (requestId) => Effect.succeed(`${baseUrl}/${requestId}`) }),
  )
