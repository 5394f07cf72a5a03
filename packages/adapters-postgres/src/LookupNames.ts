import type { StoredStatus } from "@pt/domain/Payload"
import type { RequestId } from "@pt/domain/RequestId"
import { Effect } from "effect"
import { decodeRows, LookupRow, type RawStatusRow } from "./Rows.ts"
import type { SqlClient, SqlError } from "./SqlClient.ts"

export type LookupTable = "services" | "sources" | "statuses"

const TABLES: ReadonlyArray<LookupTable> = ["services", "sources", "statuses"]

/**
 * The store's one cache of the lookup tables (services, sources, statuses), by id and by name, shared by the
 * write path and the reads. Ids never change once written, so it needs no invalidation: a miss (a name written
 * since, by any process) reloads the table, and the writer adds the names it is the first to see.
 */
export const makeLookupNames = (sql: SqlClient["Service"]) => {
  const byId: Record<LookupTable, Map<number, string>> = {
    services: new Map(),
    sources: new Map(),
    statuses: new Map(),
  }
  const byName: Record<LookupTable, Map<string, number>> = {
    services: new Map(),
    sources: new Map(),
    statuses: new Map(),
  }
  const remember = (table: LookupTable, rows: ReadonlyArray<{ id: number; name: string }>) => {
    for (const r of rows) {
      byId[table].set(r.id, r.name)
      byName[table].set(r.name, r.id)
    }
  }
  const load = (table: LookupTable) =>
    sql.query(`select id, name from ${table}`).pipe(
      Effect.flatMap(decodeRows(LookupRow)),
      Effect.map((rows) => remember(table, rows)),
    )

  /** The id of a name, or undefined when no such name exists (then no row can match the filter). */
  const idOf = (table: LookupTable, name: string): Effect.Effect<number | undefined, SqlError> =>
    byName[table].has(name)
      ? Effect.succeed(byName[table].get(name))
      : Effect.map(load(table), () => byName[table].get(name))

  /**
   * Ids of every name, adding the names no process wrote yet. New names are committed on their own (ON CONFLICT:
   * concurrent writers of the same name both succeed), outside the batch's transaction: PGlite has one connection,
   * and new names need not wait for the batch.
   */
  const ensure = Effect.fnUntraced(function* (table: LookupTable, names: Iterable<string>) {
    const cache = byName[table]
    const missing = [...new Set(names)].filter((n) => !cache.has(n)).sort()
    if (missing.length > 0) {
      const added = yield* sql.query(
        `insert into ${table} (name) select unnest($1::text[]) on conflict (name) do nothing`,
        [missing],
      )
      // Autovacuum never analyzes a table of a few rows (threshold: 50 changed rows), and without statistics
      // the planner guesses ≈1,270 rows for each lookup table; the reads iterate over them (loose index scan).
      if (added.count > 0) yield* sql.query(`analyze ${table}`)
      const found = yield* sql
        .query(`select id, name from ${table} where name = any($1::text[])`, [missing])
        .pipe(Effect.flatMap(decodeRows(LookupRow)))
      remember(table, found)
    }
    return cache as ReadonlyMap<string, number>
  })

  /** Rows with lookup ids and their payload's request_id → the port's StoredStatus. */
  const toStored = Effect.fnUntraced(function* (rows: ReadonlyArray<RawStatusRow>, requestId?: RequestId) {
    for (const table of TABLES) {
      const key = table === "services" ? "sv" : table === "sources" ? "so" : "st"
      if (rows.some((r) => r[key] !== null && !byId[table].has(r[key]))) yield* load(table)
    }
    return rows.map(
      (r): StoredStatus => ({
        status_id: r.status_id,
        payload_id: r.payload_id,
        request_id: requestId ?? r.request_id ?? ("" as RequestId),
        service: byId.services.get(r.sv) ?? "",
        source: r.so === null ? "" : (byId.sources.get(r.so) ?? ""),
        status: byId.statuses.get(r.st) ?? "",
        status_msg: r.status_msg,
        date: r.date,
        created_at: r.created_at,
      }),
    )
  })

  return { idOf, ensure, toStored }
}

export type LookupNames = ReturnType<typeof makeLookupNames>
