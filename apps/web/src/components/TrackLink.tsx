import { Link } from "../routing/Link.tsx"

/** A request id that opens its payload on the Track page. */
export const TrackLink = (props: { readonly requestId: string }) => (
  <Link to={`/track?request_id=${encodeURIComponent(props.requestId)}`}>{props.requestId}</Link>
)
