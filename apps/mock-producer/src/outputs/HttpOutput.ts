import { Effect, Layer, Schema } from "effect"
import type { TraceRecord } from "../Trace.ts"
import { Output, OutputError } from "./Output.ts"

const IngestResponse = Schema.Struct({
  accepted: Schema.Number,
  rejected: Schema.Array(Schema.Struct({ index: Schema.Number, reason: Schema.String })),
})
const decodeResponse = Schema.decodeUnknownEffect(Schema.fromJsonString(IngestResponse))

/** POSTs each batch as one JSON array to the tracker's HTTP ingest (`POST {api}{prefix}/statuses`). */
export const HttpOutputLayer = (options: {
  readonly api: string
  readonly prefix: string
  readonly timeoutMs?: number
}) => {
  const url = `${options.api.replace(/\/$/, "")}${options.prefix}/statuses`
  const timeoutMs = options.timeoutMs ?? 30_000
  return Layer.succeed(Output)(
    Output.of({
      describe: `HTTP ingest ${url}`,
      send: (records: ReadonlyArray<TraceRecord>) =>
        Effect.gen(function* () {
          // Raw (non-JSON) noise cannot travel inside a JSON array; HTTP ingest only sees the JSON-level noise.
          const values = records.filter((r) => r.raw === undefined).map((r) => r.value)
          const skipped = records.length - values.length
          if (values.length === 0) return { accepted: 0, rejected: 0, skipped }
          const text = yield* Effect.tryPromise({
            try: async (signal) => {
              const response = await fetch(url, {
                method: "POST",
                headers: { "content-type": "application/json" },
                body: JSON.stringify(values),
                signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]),
              })
              const body = await response.text()
              if (!response.ok) throw new Error(`HTTP ${response.status}: ${body.slice(0, 200)}`)
              return body
            },
            catch: (cause) =>
              new OutputError({
                message: `POST ${url}: ${cause instanceof Error ? cause.message : String(cause)}`,
              }),
          })
          const body = yield* decodeResponse(text).pipe(
            Effect.mapError(
              (e) => new OutputError({ message: `unexpected ingest answer: ${e.message.slice(0, 200)}` }),
            ),
          )
          return { accepted: body.accepted, rejected: body.rejected.length, skipped }
        }),
    }),
  )
}
