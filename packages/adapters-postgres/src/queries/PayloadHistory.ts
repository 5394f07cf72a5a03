import type { Payload, StoredStatus } from "@pt/domain/Payload"
import { Effect } from "effect"
import type { LookupNames } from "../LookupNames.ts"
import { decodeRows, PAYLOAD_COLUMNS, PayloadRow, RAW_STATUS_COLUMNS, RawStatusRow } from "../Rows.ts"
import type { SqlClient } from "../SqlClient.ts"

const PAYLOAD_BY_REQUEST_ID = `select ${PAYLOAD_COLUMNS} from payloads where request_id = $1`
const STATUSES_BY_PAYLOAD_ID = `select ${RAW_STATUS_COLUMNS} from payload_statuses s where s.payload_id = $1`

/** A payload and all its statuses (the track view); undefined when unknown or without any status left. */
export const payloadHistory = (sql: SqlClient["Service"], names: LookupNames) =>
  Effect.fnUntraced(function* (requestId: string) {
    // Prepared: the hottest reads, and plans that do not depend on the values.
    const found = yield* sql
      .query(PAYLOAD_BY_REQUEST_ID, [requestId], { prepare: "pt_payload_by_request_id" })
      .pipe(Effect.flatMap(decodeRows(PayloadRow)))
    const payload: Payload | undefined = found[0]
    if (payload === undefined) return undefined
    const statuses = yield* sql
      .query(STATUSES_BY_PAYLOAD_ID, [payload.id], { prepare: "pt_statuses_by_payload_id" })
      .pipe(Effect.flatMap(decodeRows(RawStatusRow)))
    if (statuses.length === 0) return undefined
    const stored: ReadonlyArray<StoredStatus> = yield* names.toStored(statuses, payload.request_id)
    return { payload, statuses: stored }
  })
