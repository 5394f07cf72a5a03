import { Button } from "@patternfly/react-core"
import { ExternalLinkAltIcon } from "@patternfly/react-icons/dist/esm/icons/external-link-alt-icon"
import { useKibanaLink } from "./useKibanaLink.ts"

/** "View in Kibana" for the payload, or for one service's logs of it. */
export const KibanaLink = (props: { readonly requestId: string; readonly service?: string }) => {
  const url = useKibanaLink(props.requestId, props.service)
  if (url === undefined) return null
  return (
    <Button
      component="a"
      href={url}
      target="_blank"
      rel="noopener noreferrer"
      variant="link"
      isInline
      icon={<ExternalLinkAltIcon />}
      iconPosition="end"
      aria-label={props.service ? `View in Kibana: ${props.service} logs` : "View in Kibana"}
    >
      View in Kibana
    </Button>
  )
}
