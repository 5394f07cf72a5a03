import { Button, Flex, FlexItem, FormSelect, FormSelectOption, TextInput } from "@patternfly/react-core"
import { useEffect, useState } from "react"
import {
  ALL_TIME,
  localInputToRfc3339,
  QUICK_RANGES,
  type QuickRangeKey,
  rfc3339ToLocalInput,
  type TimeRangeChoice,
} from "../lib/TimeRange.ts"

const CUSTOM = "custom"

const selectValue = (choice: TimeRangeChoice): string =>
  choice.kind === "quick" ? choice.key : choice.kind === "absolute" ? CUSTOM : "all"

/** Quick picks relative to now, all time, or an absolute from/to entered in local time. */
export const TimeRangePicker = (props: {
  readonly field: string
  readonly value: TimeRangeChoice
  readonly onChange: (choice: TimeRangeChoice) => void
}) => {
  const [custom, setCustom] = useState(props.value.kind === "absolute")
  const [from, setFrom] = useState("")
  const [to, setTo] = useState("")
  useEffect(() => {
    setCustom(props.value.kind === "absolute")
    setFrom(props.value.kind === "absolute" ? rfc3339ToLocalInput(props.value.from) : "")
    setTo(props.value.kind === "absolute" ? rfc3339ToLocalInput(props.value.to) : "")
  }, [props.value])

  const pick = (value: string) => {
    if (value === CUSTOM) setCustom(true)
    else if (value === "all") props.onChange(ALL_TIME)
    else props.onChange({ kind: "quick", key: value as QuickRangeKey })
  }
  const applyAbsolute = () => {
    const choice = { kind: "absolute" as const, from: localInputToRfc3339(from), to: localInputToRfc3339(to) }
    props.onChange(choice.from || choice.to ? choice : ALL_TIME)
  }

  return (
    <Flex alignItems={{ default: "alignItemsCenter" }} spaceItems={{ default: "spaceItemsSm" }}>
      <FlexItem>
        <FormSelect
          id={`time-range-${props.field}`}
          aria-label={`Time range (${props.field})`}
          value={custom ? CUSTOM : selectValue(props.value)}
          onChange={(_event, value) => pick(value)}
        >
          {QUICK_RANGES.map((r) => (
            <FormSelectOption key={r.key} value={r.key} label={r.label} />
          ))}
          <FormSelectOption value="all" label="All time" />
          <FormSelectOption value={CUSTOM} label="Custom range…" />
        </FormSelect>
      </FlexItem>
      {custom && (
        <>
          <FlexItem>
            <TextInput
              type="datetime-local"
              aria-label={`${props.field} from (local time)`}
              value={from}
              onChange={(_event, value) => setFrom(value)}
            />
          </FlexItem>
          <FlexItem>
            <TextInput
              type="datetime-local"
              aria-label={`${props.field} to (local time)`}
              value={to}
              onChange={(_event, value) => setTo(value)}
            />
          </FlexItem>
          <FlexItem>
            <Button variant="secondary" onClick={applyAbsolute}>
              Apply range
            </Button>
          </FlexItem>
        </>
      )}
    </Flex>
  )
}
