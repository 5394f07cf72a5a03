import { EmptyState, EmptyStateBody, Flex, FlexItem, Label, Spinner } from "@patternfly/react-core"
import { Micros } from "@pt/domain/Timestamp"
import { useEffect, useMemo, useState } from "react"
import type { HistoryResponse } from "../api/ApiTypes.ts"
import { historyResponse } from "../api/Decode.ts"
import { useApi } from "../api/useApi.ts"
import { ErrorResults, LoadingState } from "../components/ResultStates.tsx"
import { navigate } from "../routing/Router.ts"
import { ArchiveDownload } from "./ArchiveDownload.tsx"
import { DurationChart } from "./DurationChart.tsx"
import { KibanaLink } from "./KibanaLink.tsx"
import { OutcomeSummary } from "./OutcomeSummary.tsx"
import { StatusHistoryTable } from "./StatusHistoryTable.tsx"
import { Timeline } from "./Timeline.tsx"
import { durationBars, identity, lanes, lifecycle, toTrackStatuses } from "./TrackModel.ts"
import { type StreamState, useStatusStream } from "./useStatusStream.ts"

const STREAM_LABEL = {
  connecting: { color: "grey", text: "Connecting for live updates…" },
  live: { color: "green", text: "Live: new statuses appear by themselves" },
  reconnecting: { color: "orange", text: "Live updates interrupted, reconnecting…" },
} as const satisfies Record<StreamState, { color: string; text: string }>

const HISTORY_QUERY = new URLSearchParams({ sort_by: "date", sort_dir: "asc" }).toString()

/** One payload: fetched once, refetched whenever the server pushes a new status for it. */
export const PayloadStory = (props: { readonly requestId: string }) => {
  const [result, reload] = useApi<HistoryResponse>(
    `/payloads/${props.requestId}`,
    HISTORY_QUERY,
    historyResponse,
  )
  const stream = useStatusStream(props.requestId, reload)
  const data = result.kind === "ok" ? result.data : result.kind === "loading" ? result.previous : undefined
  // "Stalled" depends on the clock, not only on data: re-evaluate the outcome every minute (no request is made).
  const [clock, setClock] = useState(() => Date.now())
  useEffect(() => {
    const timer = setInterval(() => setClock(Date.now()), 60_000)
    return () => clearInterval(timer)
  }, [])
  const view = useMemo(() => {
    if (data === undefined) return undefined
    const statuses = toTrackStatuses(data.data)
    const cycle = lifecycle(statuses, Micros.make(Math.max(clock, Date.now()) * 1000))
    return (
      cycle && {
        statuses,
        cycle,
        lanes: lanes(statuses),
        bars: durationBars(data.duration),
        who: identity(data.data),
      }
    )
  }, [data, clock])

  const header = (
    <Flex alignItems={{ default: "alignItemsCenter" }} spaceItems={{ default: "spaceItemsMd" }}>
      <FlexItem>
        <Label color={STREAM_LABEL[stream].color} aria-live="polite" data-stream={stream}>
          {STREAM_LABEL[stream].text}
        </Label>
      </FlexItem>
      {result.kind === "loading" && data !== undefined && (
        <FlexItem>
          <Spinner size="md" aria-label="Refreshing" />
        </FlexItem>
      )}
      <FlexItem>
        <KibanaLink requestId={props.requestId} />
      </FlexItem>
      <FlexItem>
        <ArchiveDownload requestId={props.requestId} />
      </FlexItem>
    </Flex>
  )

  // A 404, or an answer with no statuses in it (nothing to draw: without this it would show "Loading" forever).
  if (
    (result.kind === "error" && result.error.status === 404) ||
    (data !== undefined && view === undefined)
  ) {
    return (
      <>
        {header}
        <EmptyState titleText="No statuses for this request_id yet" headingLevel="h2" variant="sm">
          <EmptyStateBody>
            The tracker has not recorded this payload. If it was uploaded just now, keep this page open: its
            statuses appear here as they arrive. Otherwise check the id, or search the Statuses page.
          </EmptyStateBody>
        </EmptyState>
      </>
    )
  }
  if (result.kind === "error") {
    return (
      <ErrorResults
        noun="this payload"
        error={result.error}
        onRetry={reload}
        onReset={() => navigate("/track")}
      />
    )
  }
  if (view === undefined) return <LoadingState noun="this payload" />
  return (
    <>
      {header}
      <OutcomeSummary
        requestId={props.requestId}
        lifecycle={view.cycle}
        duration={data!.duration}
        identity={view.who}
      />
      <Timeline lanes={view.lanes} />
      <DurationChart bars={view.bars} />
      <StatusHistoryTable statuses={view.statuses} />
    </>
  )
}
