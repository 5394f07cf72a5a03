import { Content, PageSection, Stack, StackItem, Title } from "@patternfly/react-core"
import { normalizeRequestId } from "@pt/domain/RequestId"
import { navigate, useAppLocation } from "../routing/Router.ts"
import { PayloadStory } from "../track/PayloadStory.tsx"
import { TrackSearch } from "../track/TrackSearch.tsx"

/** `/track?request_id=<id>`: one payload's story. A dashed UUID in the link finds the same payload. */
export const TrackPage = () => {
  const location = useAppLocation()
  const raw = location.params.get("request_id") ?? ""
  const requestId = normalizeRequestId(raw)
  return (
    <PageSection>
      <Stack hasGutter>
        <StackItem>
          <Title headingLevel="h1">Track a payload{requestId ? `: ${requestId}` : ""}</Title>
        </StackItem>
        <StackItem>
          <TrackSearch
            value={raw}
            onSearch={(id) => navigate(`/track?${new URLSearchParams({ request_id: id })}`)}
          />
        </StackItem>
        {requestId === undefined && raw === "" && (
          <StackItem>
            <Content component="p">
              Enter a request_id to see its outcome, a timeline of every service it passed through, and its
              statuses.
            </Content>
          </StackItem>
        )}
        {requestId !== undefined && (
          <StackItem>
            <div className="pt-story">
              {/* key: a new id starts a fresh story (and a fresh live stream) */}
              <PayloadStory key={requestId} requestId={requestId} />
            </div>
          </StackItem>
        )}
      </Stack>
    </PageSection>
  )
}
