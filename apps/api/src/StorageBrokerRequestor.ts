import { mockArchiveLinkRequestor } from "@pt/adapters-memory/MemoryArchiveLinkRequestor"
import { ArchiveLinkFailed, ArchiveLinkRequestor } from "@pt/domain/ports/ArchiveLinkRequestor"
import { Effect, Layer, Predicate } from "effect"
import { ApiConfig } from "./Config.ts"

/**
 * Asks the storage broker for a payload's download URL: `GET <STORAGEBROKERURL>?request_id=<id>`, answered by
 * `{"url": "..."}`. No url (or a 404) means the broker has no archive; anything else that is not such a JSON
 * body is a bad response, and the request is abandoned after STORAGEBROKERREQUESTTIMEOUT.
 */
const storageBrokerRequestor = (baseUrl: string, timeoutMs: number) =>
  ArchiveLinkRequestor.of({
    requestUrl: (requestId) =>
      Effect.tryPromise({
        try: async (signal) => {
          const url = new URL(baseUrl)
          url.searchParams.set("request_id", requestId)
          const response = await fetch(url, {
            signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
          })
          const text = await response.text()
          return { status: response.status, text }
        },
        catch: (error) =>
          error instanceof DOMException && error.name === "TimeoutError"
            ? new ArchiveLinkFailed({
                reason: "timeout",
                message: `storage broker did not answer within ${timeoutMs} ms`,
              })
            : new ArchiveLinkFailed({
                reason: "unreachable",
                message: `storage broker unreachable: ${String(error)}`,
              }),
      }).pipe(
        Effect.flatMap(({ status, text }) => {
          if (status === 404) return Effect.succeed(undefined)
          let body: unknown
          try {
            body = JSON.parse(text)
          } catch {
            body = undefined
          }
          if (status >= 200 && status < 300 && Predicate.isObject(body)) {
            const link = (body as { url?: unknown }).url
            return Effect.succeed(typeof link === "string" && link !== "" ? link : undefined)
          }
          return Effect.fail(
            new ArchiveLinkFailed({
              reason: "bad_response",
              message: `storage broker answered ${status} with ${Predicate.isObject(body) ? "an unexpected body" : "a body that is not JSON"}`,
            }),
          )
        }),
      ),
  })

/** REQUESTOR_IMPL chooses: `mock` answers a local URL without asking anyone (development, embedded mode). */
export const StorageBrokerRequestorLayer = Layer.unwrap(
  Effect.map(ApiConfig, (config) =>
    config.requestorImpl === "mock"
      ? mockArchiveLinkRequestor(`http://localhost:${config.publicPort}/mock-archive`)
      : Layer.succeed(
          ArchiveLinkRequestor,
          storageBrokerRequestor(config.storageBrokerUrl, config.storageBrokerTimeoutMs),
        ),
  ),
)
