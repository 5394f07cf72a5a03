import {
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Label,
  List,
  ListItem,
} from "@patternfly/react-core"
import type { PayloadLifecycle, PayloadOutcome, ServiceState } from "@pt/domain/Lifecycle"
import { hostPath } from "../hosts/HostModel.ts"
import { parseDuration, readableDuration } from "../lib/Format.ts"
import { Link } from "../routing/Link.tsx"
import { KibanaLink } from "./KibanaLink.tsx"
import type { PayloadIdentity } from "./TrackModel.ts"

const OUTCOME = {
  success: { color: "green", text: "Success" },
  error: { color: "red", text: "Error" },
  in_progress: { color: "blue", text: "In progress" },
  stalled: { color: "orange", text: "Stalled (no status for over an hour)" },
} as const satisfies Record<PayloadOutcome, { color: string; text: string }>

const SERVICE_STATE = {
  success: { color: "green", text: "done" },
  error: { color: "red", text: "error" },
  open: { color: "blue", text: "open" },
} as const satisfies Record<ServiceState, { color: string; text: string }>

const Time = (props: { readonly value: string | undefined }) => {
  const micros = props.value === undefined ? undefined : parseDuration(props.value)
  return micros === undefined ? <>—</> : <span title={props.value}>{readableDuration(micros)}</span>
}

const FilterLink = (props: { readonly name: keyof PayloadIdentity; readonly identity: PayloadIdentity }) => {
  const value = props.identity[props.name]
  if (!value) return <>—</>
  const link = (
    <Link
      to={`/payloads?${new URLSearchParams({ [props.name]: value })}`}
      aria-label={`Payloads with ${props.name} ${value}`}
    >
      {value}
    </Link>
  )
  if (props.name !== "inventory_id" && props.name !== "system_id") return link
  return (
    <>
      {link}{" "}
      <Link to={hostPath(props.name, value)} aria-label={`Host page of ${props.name} ${value}`}>
        host
      </Link>
    </>
  )
}

/** Outcome (the domain's rules), the services it passed through, its times and who it belongs to. */
export const OutcomeSummary = (props: {
  readonly requestId: string
  readonly lifecycle: PayloadLifecycle
  readonly duration: Readonly<Record<string, string>>
  readonly identity: PayloadIdentity
}) => {
  const outcome = OUTCOME[props.lifecycle.outcome]
  return (
    <DescriptionList isHorizontal isCompact aria-label="Payload summary">
      <DescriptionListGroup>
        <DescriptionListTerm>Outcome</DescriptionListTerm>
        <DescriptionListDescription>
          <Label color={outcome.color} data-outcome={props.lifecycle.outcome}>
            {outcome.text}
          </Label>
        </DescriptionListDescription>
      </DescriptionListGroup>
      <DescriptionListGroup>
        <DescriptionListTerm>Services</DescriptionListTerm>
        <DescriptionListDescription>
          <List isPlain>
            {props.lifecycle.services.map((s) => (
              <ListItem key={s.service}>
                <strong>{s.service}</strong>{" "}
                <Label isCompact color={SERVICE_STATE[s.state].color}>
                  {SERVICE_STATE[s.state].text}
                </Label>{" "}
                {s.elapsed !== undefined && <span>in {readableDuration(s.elapsed)} </span>}
                <KibanaLink requestId={props.requestId} service={s.service} />
              </ListItem>
            ))}
          </List>
        </DescriptionListDescription>
      </DescriptionListGroup>
      <DescriptionListGroup>
        <DescriptionListTerm>Total time</DescriptionListTerm>
        <DescriptionListDescription>
          <Time value={props.duration.total_time} />
        </DescriptionListDescription>
      </DescriptionListGroup>
      <DescriptionListGroup>
        <DescriptionListTerm>Time in services</DescriptionListTerm>
        <DescriptionListDescription>
          <Time value={props.duration.total_time_in_services} />
        </DescriptionListDescription>
      </DescriptionListGroup>
      {(["account", "org_id", "inventory_id", "system_id"] as const).map((name) => (
        <DescriptionListGroup key={name}>
          <DescriptionListTerm>{name}</DescriptionListTerm>
          <DescriptionListDescription>
            <FilterLink name={name} identity={props.identity} />
          </DescriptionListDescription>
        </DescriptionListGroup>
      ))}
    </DescriptionList>
  )
}
