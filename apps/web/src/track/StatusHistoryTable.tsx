import { Title } from "@patternfly/react-core"
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table"
import { useState } from "react"
import { StatusKindLabel } from "./StatusKindLabel.tsx"
import type { TrackStatus } from "./TrackModel.ts"

type Field = "service" | "source" | "status" | "status_msg" | "date" | "created_at"
const COLUMNS: ReadonlyArray<Field> = ["service", "source", "status", "status_msg", "date", "created_at"]

const compare =
  (field: Field) =>
  (a: TrackStatus, b: TrackStatus): number => {
    // Dates compare as instants (microseconds), not as strings with different fraction lengths.
    if (field === "date") return a.micros - b.micros
    return a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : a.micros - b.micros
  }

/** Every status of the payload, sortable on each column (in the browser: the page already holds them all). */
export const StatusHistoryTable = (props: { readonly statuses: ReadonlyArray<TrackStatus> }) => {
  const [sortBy, setSortBy] = useState<Field>("date")
  const [sortDir, setSortDir] = useState<"asc" | "desc">("asc")
  const ordered = props.statuses.toSorted(compare(sortBy))
  if (sortDir === "desc") ordered.reverse()
  return (
    <section aria-labelledby="pt-history-title">
      <Title headingLevel="h2" id="pt-history-title">
        Statuses ({props.statuses.length})
      </Title>
      <Table aria-label="Statuses of this payload" variant="compact" isStriped>
        <Thead>
          <Tr>
            {COLUMNS.map((field, index) => (
              <Th
                key={field}
                sort={{
                  columnIndex: index,
                  sortBy: { index: COLUMNS.indexOf(sortBy), direction: sortDir },
                  onSort: (_event, _index, direction) => {
                    setSortBy(field)
                    setSortDir(direction === "desc" ? "desc" : "asc")
                  },
                }}
              >
                {field}
              </Th>
            ))}
          </Tr>
        </Thead>
        <Tbody>
          {ordered.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: statuses have no id of their own in the API
            <Tr key={i} className={s.kind === "error" ? "pt-row--error" : ""}>
              <Td dataLabel="service">{s.service}</Td>
              <Td dataLabel="source">{s.source}</Td>
              <Td dataLabel="status">
                <StatusKindLabel kind={s.kind} text={s.status} />
              </Td>
              <Td dataLabel="status_msg">{s.status_msg}</Td>
              <Td dataLabel="date">{s.date}</Td>
              <Td dataLabel="created_at">{s.created_at}</Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
    </section>
  )
}
