import { ingestValues } from "@pt/domain/Ingest"
import { decodeUtf8 } from "@pt/domain/StatusMessage"
import { Effect, Predicate, Stream } from "effect"
import type { HttpServerRequest } from "effect/http"
import { BadRequest, NotFound, PayloadTooLarge } from "./ApiErrors.ts"
import type { ApiSettings } from "./Config.ts"
import { orUnavailable } from "./handlers/Common.ts"
import type { ApiMetrics } from "./Metrics.ts"

/**
 * `POST {prefix}/statuses`: HTTP ingest. The body is read here rather than by HttpApi so the limits and the
 * 400/413 answers are ours: a body over INGEST_MAX_BYTES is refused before it is buffered, a body that is not
 * UTF-8 is a 400 (the domain's judgement of bytes, as for a Kafka record; never decoded with U+FFFD), and each
 * item then takes the same decode and write path as a Kafka record (domain `ingestValues`: size limit per item,
 * date range, future rule).
 */
const readBody = (request: HttpServerRequest.HttpServerRequest, maxBytes: number) =>
  Effect.gen(function* () {
    const tooLarge = PayloadTooLarge.of(`request body is larger than ${maxBytes} bytes`)
    if (Number(request.headers["content-length"] ?? 0) > maxBytes) return yield* tooLarge
    const chunks: Array<Uint8Array> = []
    let total = 0
    yield* Stream.runForEach(request.stream, (chunk) => {
      total += chunk.length
      if (total > maxBytes) return Effect.fail(tooLarge)
      chunks.push(chunk)
      return Effect.void
    }).pipe(
      Effect.catchTag("HttpServerError", (e) =>
        Effect.fail(BadRequest.of(`could not read the request body: ${e.message}`)),
      ),
    )
    const text = decodeUtf8(Buffer.concat(chunks, total))
    if (text === undefined) return yield* BadRequest.of("request body is not valid UTF-8")
    return text
  })

const parse = (text: string): Effect.Effect<ReadonlyArray<unknown>, BadRequest> => {
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    return Effect.fail(BadRequest.of("request body is not valid JSON"))
  }
  if (Array.isArray(body)) return Effect.succeed(body)
  if (Predicate.isObject(body)) return Effect.succeed([body])
  return Effect.fail(BadRequest.of("request body must be a JSON object or an array of objects"))
}

export const ingestRequest = (
  request: HttpServerRequest.HttpServerRequest,
  settings: ApiSettings,
  metrics: ApiMetrics["Service"],
) =>
  Effect.gen(function* () {
    if (!settings.ingestEnabled)
      return yield* NotFound.of("HTTP ingest is disabled (INGEST_HTTP_ENABLED=false)")
    const values = yield* Effect.flatMap(readBody(request, settings.ingestMaxBytes), parse)
    if (values.length > settings.ingestMaxItems) {
      return yield* PayloadTooLarge.of(
        `too many items: ${values.length}, at most ${settings.ingestMaxItems} per request`,
      )
    }
    const end = metrics.messageProcessSeconds.startTimer()
    const result = yield* orUnavailable(ingestValues(values)).pipe(Effect.ensuring(Effect.sync(end)))
    metrics.messagesProcessed.inc(values.length)
    for (const r of result.rejected) {
      if (r.kind === "invalid_request_id" || r.kind === "invalid_json")
        metrics.consumerInvalidRequestIds.inc()
      else metrics.messageProcessErrors.inc()
    }
    return {
      accepted: result.accepted,
      rejected: result.rejected.map(({ index, reason }) => ({ index, reason })),
    }
  })
