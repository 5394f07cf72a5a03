import { Button } from "@patternfly/react-core"
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table"
import type { SortDir } from "../lib/ListState.ts"
import { Link } from "../routing/Link.tsx"
import { OUTCOME_LABEL } from "../summary/SummaryModel.ts"
import { type CellKind, type ColumnSpec, cellText, type Row } from "./ListPageSpec.ts"
import { OutcomeLabel } from "./OutcomeLabel.tsx"
import { TrackLink } from "./TrackLink.tsx"

const Cell = (props: {
  readonly kind: CellKind
  readonly name: string
  readonly value: string
  readonly onFilter: (name: string, value: string) => void
}) => {
  if (props.value === "") return null
  switch (props.kind) {
    case "track-link":
      return <TrackLink requestId={props.value} />
    case "outcome":
      return Object.hasOwn(OUTCOME_LABEL, props.value) ? (
        <OutcomeLabel outcome={props.value as keyof typeof OUTCOME_LABEL} />
      ) : (
        props.value
      )
    case "host":
      return (
        <>
          <FilterButton {...props} />{" "}
          <Link
            to={`/host?${new URLSearchParams({ [props.name]: props.value })}`}
            aria-label={`Host page of ${props.name} ${props.value}`}
          >
            host
          </Link>
        </>
      )
    case "filter":
      return <FilterButton {...props} />
    case "text":
      return <>{props.value}</>
  }
}

const FilterButton = (props: {
  readonly name: string
  readonly value: string
  readonly onFilter: (name: string, value: string) => void
}) => (
  <Button
    variant="link"
    isInline
    title={`Filter by ${props.name} = ${props.value}`}
    onClick={() => props.onFilter(props.name, props.value)}
  >
    {props.value}
  </Button>
)

/** The results with server-side sort headers; filterable cells add their value as a filter when clicked. */
export const ResultsTable = (props: {
  readonly caption: string
  readonly columns: ReadonlyArray<ColumnSpec>
  readonly rows: ReadonlyArray<Row>
  readonly sortBy: string
  readonly sortDir: SortDir
  readonly onSort: (sortBy: string, sortDir: SortDir) => void
  readonly onFilter: (name: string, value: string) => void
}) => {
  const activeIndex = props.columns.findIndex((c) => c.key === props.sortBy)
  return (
    <Table aria-label={props.caption} variant="compact" isStriped>
      <Thead>
        <Tr>
          {props.columns.map((column, index) => (
            <Th
              key={column.key}
              modifier="wrap"
              {...(column.sortable
                ? {
                    sort: {
                      columnIndex: index,
                      sortBy: { index: activeIndex, direction: props.sortDir, defaultDirection: "desc" },
                      onSort: (_event, _index, direction) => props.onSort(column.key, direction as SortDir),
                    },
                  }
                : {})}
            >
              {column.label}
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {props.rows.map((row, rowIndex) => (
          // Rows have no single unique key across both lists (statuses share a payload id).
          // biome-ignore lint/suspicious/noArrayIndexKey: rows are replaced wholesale on every fetch
          <Tr key={rowIndex}>
            {props.columns.map((column) => (
              <Td key={column.key} dataLabel={column.label}>
                <Cell
                  kind={column.kind}
                  name={column.key}
                  value={cellText(row, column.key)}
                  onFilter={props.onFilter}
                />
              </Td>
            ))}
          </Tr>
        ))}
      </Tbody>
    </Table>
  )
}
