import { Label } from "@patternfly/react-core"
import { OUTCOME_LABEL } from "../summary/SummaryModel.ts"

/** A payload's outcome as its coloured label; `data-outcome` carries the API's word. */
export const OutcomeLabel = (props: { readonly outcome: keyof typeof OUTCOME_LABEL }) => (
  <Label isCompact color={OUTCOME_LABEL[props.outcome].color} data-outcome={props.outcome}>
    {OUTCOME_LABEL[props.outcome].text}
  </Label>
)
