import type { Page } from "@pt/domain/Queries"
import { Effect, type Schema } from "effect"
import { decodeCount, decodeRows } from "../Rows.ts"
import type { SqlClient, SqlError } from "../SqlClient.ts"

export interface Statement {
  readonly sql: string
  readonly params: ReadonlyArray<unknown>
}

/** The page and the exact count run side by side on two pooled connections (PGlite serialises them). */
export const pageAndCount = <T, E>(
  sql: SqlClient["Service"],
  row: Schema.Codec<T, E>,
  page: Statement,
  count: Statement,
): Effect.Effect<Page<T>, SqlError> =>
  Effect.all(
    {
      data: Effect.flatMap(sql.query(page.sql, page.params), decodeRows(row)),
      count: Effect.flatMap(sql.query(count.sql, count.params), decodeCount),
    },
    { concurrency: 2 },
  ).pipe(Effect.map(({ count, data }) => ({ count, data: [...data] })))
