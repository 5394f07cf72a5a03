import type { FinishedStage } from "@pt/domain/ports/PayloadStore"
import { Micros } from "@pt/domain/Timestamp"
import { Effect, Schema } from "effect"
import { decodeRows } from "../Rows.ts"
import type { SqlResult } from "../SqlClient.ts"

/** A row of FINISHED_STAGES' answer (SummarySql.ts): a (payload, service) whose stage the batch finished. */
const FinishedRow = Schema.Struct({
  service_id: Schema.Number,
  saw_error: Schema.Boolean,
  last_terminal: Schema.Number,
  started: Schema.Number,
})

/** RecordResult.finished from FINISHED_STAGES' answer, with the service names of the batch's lookup ids. */
export const finishedStages = (result: SqlResult<unknown>, services: ReadonlyMap<string, number>) =>
  Effect.map(decodeRows(FinishedRow)(result), (rows): Array<FinishedStage> => {
    if (rows.length === 0) return []
    const names = new Map([...services].map(([name, id]) => [id, name]))
    return rows.map((r) => ({
      service: names.get(r.service_id) ?? "",
      state: r.saw_error ? "error" : "success",
      // Summary.ts serviceElapsed: never negative.
      elapsed: Micros.make(Math.max(0, r.last_terminal - r.started)),
    }))
  })
