import { Label } from "@patternfly/react-core"
import type { StatusKind } from "@pt/domain/StatusVocabulary"

/** One colour per kind of status, shared by the timeline markers, its legend and the status table. */
const KIND_COLOR = { received: "blue", progress: "purple", success: "green", error: "red" } as const
export const KIND_NAME: Record<StatusKind, string> = {
  received: "received",
  progress: "processing",
  success: "success",
  error: "error",
}

export const StatusKindLabel = (props: { readonly kind: StatusKind; readonly text: string }) => (
  <Label isCompact color={KIND_COLOR[props.kind]}>
    {props.text}
  </Label>
)
