import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table"
import type { ReactNode } from "react"

/** A column: its header, its cells' `data-label` (the header unless given) and what a row shows in it. */
interface Column<R> {
  readonly header: string
  readonly dataLabel?: string
  readonly cell: (row: R) => ReactNode
}

/** The compact read-only table of the Pipeline and Host pages: a header row, then one row per item. */
export const DataTable = <R,>(props: {
  readonly label: string
  readonly columns: ReadonlyArray<Column<R>>
  readonly rows: ReadonlyArray<R>
  readonly rowKey: (row: R) => string
  readonly striped?: boolean
  readonly wrapHeaders?: boolean
}) => (
  <Table aria-label={props.label} variant="compact" isStriped={props.striped ?? true}>
    <Thead>
      <Tr>
        {props.columns.map((c) => (
          <Th key={c.header} {...(props.wrapHeaders ? { modifier: "wrap" as const } : {})}>
            {c.header}
          </Th>
        ))}
      </Tr>
    </Thead>
    <Tbody>
      {props.rows.map((row) => (
        <Tr key={props.rowKey(row)}>
          {props.columns.map((c) => (
            <Td key={c.header} dataLabel={c.dataLabel ?? c.header}>
              {c.cell(row)}
            </Td>
          ))}
        </Tr>
      ))}
    </Tbody>
  </Table>
)
