import type { OpenServiceCount } from "@pt/domain/ports/PayloadQueries"
import type { OutcomeAt } from "@pt/domain/Summary"
import { Effect, Schema } from "effect"
import { decodeRows } from "../Rows.ts"
import type { SqlClient } from "../SqlClient.ts"
import { timestampFromMicros } from "../SqlFragments.ts"
import { isOpen } from "./SummarySql.ts"

const OpenRow = Schema.Struct({ service: Schema.String, open: Schema.Number, stalled: Schema.Number })

/**
 * Per service, its open stages of payloads still in progress (no error anywhere, some service open: exactly
 * `outcome in (in_progress, stalled)`, as payload_summaries keeps it) and those of stalled payloads (latest
 * status before now − stalledAfter). Only summary rows of unfinished payloads are read, never the statuses.
 */
const OPEN_BY_SERVICE = `select n.name as service, count(*)::float8 as open,
  count(*) filter (where t.last_date < ${timestampFromMicros("$1::int8")})::float8 as stalled
from payload_summaries t
join payload_services s on s.payload_id = t.payload_id
join services n on n.id = s.service_id
where not t.any_error and t.open_services > 0 and ${isOpen("s")}
group by n.name order by n.name collate "C"`

export const openByService = (sql: SqlClient["Service"]) =>
  Effect.fnUntraced(function* (at: OutcomeAt) {
    const rows = yield* sql
      .query(OPEN_BY_SERVICE, [at.now - at.stalledAfter])
      .pipe(Effect.flatMap(decodeRows(OpenRow)))
    return rows satisfies ReadonlyArray<OpenServiceCount>
  })
