import { Effect, Layer } from "effect"
import { recordText } from "../Noise.ts"
import type { TraceRecord } from "../Trace.ts"
import { Output, type OutputError } from "./Output.ts"

/** One record per line, exactly the bytes a producer would send: pipe it elsewhere or save it for `replay`. */
export const StdoutOutputLayer = (stream: NodeJS.WritableStream = process.stdout) => {
  // `… | head` closes the pipe: that is the reader saying "enough", not a failure.
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EPIPE") process.exit(0)
    throw error
  })
  return Layer.succeed(Output)(
    Output.of({
      describe: "JSON lines on stdout",
      send: (records: ReadonlyArray<TraceRecord>) =>
        Effect.callback<{ accepted: number; rejected: number; skipped: number }, OutputError>((resume) => {
          const text = records.map((r) => `${recordText(r)}\n`).join("")
          const done = { accepted: records.length, rejected: 0, skipped: 0 }
          // Honour back-pressure so `load --max | head` or a slow pipe cannot grow memory without bound.
          if (stream.write(text)) resume(Effect.succeed(done))
          else stream.once("drain", () => resume(Effect.succeed(done)))
        }),
    }),
  )
}
