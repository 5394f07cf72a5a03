import { listPartitions, partitionName } from "./Partitions.ts"
import { PAYLOAD_CLEANUP_LOCK } from "./PostgresPayloadStore.ts"
import type { SqlClient } from "./SqlClient.ts"

const DAY_MS = 86_400_000
// Emptied payloads are deleted in chunks so writers (which wait on the cleanup lock) pause only briefly.
const PAYLOAD_CHUNK = 5_000

export interface RetentionReport {
  /** Statuses older than this (ms) were removed: the start of the UTC day `retentionDays` before today. */
  readonly keepFrom: number
  readonly droppedPartitions: ReadonlyArray<string>
  /** Statuses removed: rows of the dropped partitions plus expired rows of the DEFAULT partition. */
  readonly deletedStatuses: number
  readonly deletedPayloads: number
}

/**
 * Drops whole daily partitions older than the retention, deletes expired rows that sit in the DEFAULT
 * partition (old dates that never had a partition), then deletes payloads left without any status.
 * Only payloads created before `keepFrom` can have lost all their statuses, which bounds the search.
 */
export const applyRetention = async (
  sql: SqlClient,
  nowMs: number,
  retentionDays: number,
): Promise<RetentionReport> => {
  const keepFrom = Math.floor(nowMs / DAY_MS) * DAY_MS - retentionDays * DAY_MS
  const expired = (await listPartitions(sql)).filter((day) => day + DAY_MS <= keepFrom)
  const droppedPartitions: Array<string> = []
  let deletedStatuses = 0
  for (const day of expired) {
    const name = partitionName(day)
    deletedStatuses += await sql.transaction(async (tx) => {
      const n = await tx.query<{ n: number }>(`select count(*)::float8 as n from ${name}`)
      await tx.query(`drop table ${name}`)
      return n.rows[0]?.n ?? 0
    })
    droppedPartitions.push(name)
  }
  const keepFromText = new Date(keepFrom).toISOString()
  const fromDefault = await sql.query("delete from payload_statuses_default where date < $1::timestamptz", [
    keepFromText,
  ])
  deletedStatuses += fromDefault.count
  let deletedPayloads = 0
  for (;;) {
    const n = await sql.transaction(async (tx) => {
      await tx.query("select pg_advisory_xact_lock($1)", [PAYLOAD_CLEANUP_LOCK])
      const r = await tx.query(
        `delete from payloads where id in (
           select p.id from payloads p
           where p.created_at < $1::timestamptz
             and not exists (select 1 from payload_statuses s where s.payload_id = p.id)
           limit ${PAYLOAD_CHUNK})`,
        [keepFromText],
      )
      return r.count
    })
    deletedPayloads += n
    if (n < PAYLOAD_CHUNK) break
  }
  return { keepFrom, droppedPartitions, deletedStatuses, deletedPayloads }
}
