import type { After, TimeRange } from "@pt/domain/Queries"
import { formatTimestamp, Micros } from "@pt/domain/Timestamp"

// PostgreSQL text cannot hold NUL; the domain strips it, and this is the store's own guarantee.
export const noNul = (text: string): string =>
  text.includes("\u0000") ? text.replaceAll("\u0000", "") : text

/** Exact microseconds of a timestamptz column, as a JS number (exact until the year 2255). */
export const micros = (column: string): string => `(extract(epoch from ${column}) * 1000000)::float8`

/** A microseconds parameter (or array element) as timestamptz, without float rounding. */
export const timestampFromMicros = (expr: string): string =>
  `(timestamptz 'epoch' + ${expr} * interval '1 microsecond')`

export const isEmptyRange = (r: TimeRange): boolean =>
  r.lt === undefined && r.lte === undefined && r.gt === undefined && r.gte === undefined

/** Collects WHERE conditions and their bind parameters. */
export class Where {
  readonly conditions: Array<string> = []
  readonly params: Array<unknown> = []
  param(value: unknown): string {
    this.params.push(value)
    return `$${this.params.length}`
  }
  add(condition: string): void {
    this.conditions.push(condition)
  }
  // Bounds are sent as RFC 3339 text: plain constants for the planner, so it prunes partitions at plan time.
  range(column: string, range: TimeRange): void {
    const ops = [
      ["lt", "<"],
      ["lte", "<="],
      ["gt", ">"],
      ["gte", ">="],
    ] as const
    for (const [key, op] of ops) {
      const bound = range[key]
      if (bound !== undefined) this.add(`${column} ${op} ${this.param(formatTimestamp(bound))}::timestamptz`)
    }
  }
  get sql(): string {
    return this.conditions.length === 0 ? "" : `where ${this.conditions.join(" and ")}`
  }
}

/**
 * Keyset paging: only the rows strictly after `after` in the order `column dir, idColumn dir`. The row
 * comparison alone would be exact; the bound on the sort column alone is what an index on that column (or
 * ending in it, after equality filters) can start its scan at, so a deep page reads no rows before it.
 * Text keys compare in byte order ("C", as every sortable column is declared), like the memory adapter.
 */
export const keyset = (
  w: Where,
  column: string,
  idColumn: string,
  dir: "asc" | "desc",
  after: After | undefined,
  kind: "text" | "timestamp",
): void => {
  if (after === undefined) return
  const op = dir === "asc" ? ">" : "<"
  const key =
    kind === "timestamp"
      ? `${w.param(formatTimestamp(Micros.make(Number(after.key))))}::timestamptz`
      : `${w.param(String(after.key))}::text collate "C"`
  const id = `${w.param(after.id)}::bigint`
  w.add(`${column} ${op}= ${key} and (${column}, ${idColumn}) ${op} (${key}, ${id})`)
}
