import type { ListSpec } from "../lib/ListState.ts"

/**
 * How a cell renders: a link to Track, a value that adds itself as a filter when clicked, a host id (filter, plus
 * a link to its Host page), an outcome label, or plain text.
 */
export type CellKind = "track-link" | "filter" | "host" | "outcome" | "text"

export interface ColumnSpec {
  readonly key: string
  readonly label: string
  readonly sortable: boolean
  readonly kind: CellKind
}

/** Everything that differs between the Payloads and Statuses pages; ListView does the rest. */
export interface ListPageSpec extends ListSpec {
  readonly title: string
  /** Plural noun for messages and file names: "payloads", "statuses". */
  readonly noun: string
  readonly endpoint: string
  readonly path: string
  readonly columns: ReadonlyArray<ColumnSpec>
}

export type Row = Readonly<Record<string, unknown>>

export const cellText = (row: Row, key: string): string => {
  const value = row[key]
  return value === undefined || value === null ? "" : String(value)
}
