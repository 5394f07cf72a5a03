import { Context, type Effect, Schema } from "effect"
import type { TraceRecord } from "../Trace.ts"

interface SendResult {
  /** Records the receiver took (for HTTP ingest: stored or already known). */
  readonly accepted: number
  /** Records the receiver refused (HTTP ingest reports them per item; noise ends up here). */
  readonly rejected: number
  /** Records this output cannot express (raw non-JSON noise in a JSON-array HTTP body). */
  readonly skipped: number
}

export class OutputError extends Schema.TaggedError<OutputError>()("OutputError", {
  message: Schema.String,
}) {}

/** Where the simulated statuses go: Kafka, the tracker's HTTP ingest, or JSON lines on stdout. */
export class Output extends Context.Service<
  Output,
  {
    /** Human-readable destination, for logs and the summary. */
    readonly describe: string
    readonly send: (records: ReadonlyArray<TraceRecord>) => Effect.Effect<SendResult, OutputError>
  }
>()("@pt/mock-producer/Output") {}
