import { Button, Flex, FlexItem } from "@patternfly/react-core"
import { DownloadIcon } from "@patternfly/react-icons/dist/esm/icons/download-icon"
import { toCsv, toJson } from "../lib/Csv.ts"
import { downloadText } from "../lib/Download.ts"
import type { Row } from "./ListPageSpec.ts"

/** Exports the rows on screen (the current page, with its filters and sort) as CSV or JSON. */
export const ExportButtons = (props: {
  readonly name: string
  readonly columns: ReadonlyArray<string>
  readonly rows: ReadonlyArray<Row>
}) => {
  const disabled = props.rows.length === 0
  return (
    <Flex spaceItems={{ default: "spaceItemsSm" }}>
      <FlexItem>
        <Button
          variant="secondary"
          icon={<DownloadIcon />}
          isDisabled={disabled}
          onClick={() => downloadText(`${props.name}.csv`, toCsv(props.columns, props.rows), "text/csv")}
        >
          Export CSV
        </Button>
      </FlexItem>
      <FlexItem>
        <Button
          variant="secondary"
          icon={<DownloadIcon />}
          isDisabled={disabled}
          onClick={() => downloadText(`${props.name}.json`, toJson(props.rows), "application/json")}
        >
          Export JSON
        </Button>
      </FlexItem>
    </Flex>
  )
}
