import { RequestId } from "@pt/domain/RequestId"
import { Micros } from "@pt/domain/Timestamp"
import { Effect, Schema } from "effect"
import { SqlError, type SqlResult } from "./SqlClient.ts"
import { micros } from "./SqlFragments.ts"

/** A payload row as PAYLOAD_COLUMNS selects it (fields in the port's order). */
export const PayloadRow = Schema.Struct({
  id: Schema.Number,
  request_id: RequestId,
  account: Schema.String,
  inventory_id: Schema.String,
  system_id: Schema.String,
  created_at: Micros,
  org_id: Schema.String,
})

export const PAYLOAD_COLUMNS = `id::float8 as id, request_id, account, inventory_id, system_id, ${micros("created_at")} as created_at, org_id`

/** A status with its lookup names, as STATUS_COLUMNS selects it (the port's StoredStatus). */
export const NamedStatusRow = Schema.Struct({
  status_id: Schema.Number,
  payload_id: Schema.Number,
  request_id: RequestId,
  service: Schema.String,
  source: Schema.String,
  status: Schema.String,
  status_msg: Schema.String,
  date: Micros,
  created_at: Micros,
})

// The sorts by a non-name column run on payload_statuses alone; lookup names are added from LookupNames.
// Joining the three lookup tables in SQL made the planner's work grow with every partition: planning the
// history of one payload took ≈2 ms against 0.3 ms without the joins (see docs/postgres.md).
export const RAW_STATUS_COLUMNS = `s.id::float8 as status_id, s.payload_id::float8 as payload_id, s.service_id as sv,
  s.source_id as so, s.status_id as st, s.status_msg, ${micros("s.date")} as date, ${micros("s.created_at")} as created_at`

/** A status with lookup ids (names come from LookupNames), as RAW_STATUS_COLUMNS selects it. */
export const RawStatusRow = Schema.Struct({
  status_id: Schema.Number,
  payload_id: Schema.Number,
  request_id: Schema.optional(RequestId),
  sv: Schema.Number,
  so: Schema.NullOr(Schema.Number),
  st: Schema.Number,
  status_msg: Schema.String,
  date: Micros,
  created_at: Micros,
})
export type RawStatusRow = typeof RawStatusRow.Type

export const StatusCountRow = Schema.Struct({
  service: Schema.String,
  status: Schema.String,
  count: Schema.Number,
})

export const CountRow = Schema.Struct({ n: Schema.Number })

export const LookupRow = Schema.Struct({ id: Schema.Number, name: Schema.String })

/** The rows of a result decoded by `schema`: a row of another shape is a failed statement, never a cast. */
export const decodeRows =
  <T, E>(schema: Schema.Codec<T, E>) =>
  (result: SqlResult<unknown>): Effect.Effect<ReadonlyArray<T>, SqlError> =>
    Schema.decodeUnknownEffect(Schema.Array(schema))(result.rows).pipe(
      Effect.mapError((cause) => new SqlError({ cause })),
    )

/** The single `n` of a count statement (0 when it returned no row). */
export const decodeCount = (result: SqlResult<unknown>): Effect.Effect<number, SqlError> =>
  Effect.map(decodeRows(CountRow)(result), (rows) => rows[0]?.n ?? 0)
