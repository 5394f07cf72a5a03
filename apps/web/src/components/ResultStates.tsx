import {
  Button,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  Spinner,
} from "@patternfly/react-core"
import { SearchIcon } from "@patternfly/react-icons/dist/esm/icons/search-icon"
import type { ReactNode } from "react"
import { type ApiError, UnreadableResponse } from "../api/ApiClient.ts"

export const LoadingState = (props: { readonly noun: string }) => (
  <EmptyState titleText={`Loading ${props.noun}…`} headingLevel="h2" icon={Spinner} variant="sm">
    <EmptyStateBody>Asking the tracker's API.</EmptyStateBody>
  </EmptyState>
)

export const EmptyResults = (props: {
  readonly noun: string
  readonly hasFilters: boolean
  readonly onClear: () => void
}) => (
  <EmptyState titleText={`No ${props.noun} match`} headingLevel="h2" icon={SearchIcon} variant="sm">
    <EmptyStateBody>
      {props.hasFilters
        ? "Nothing matches these filters in this time range. Widen the time range (try All time) or remove a filter."
        : "The tracker has recorded nothing in this time range yet. Widen the time range (try All time)."}
    </EmptyStateBody>
    <EmptyStateFooter>
      <EmptyStateActions>
        <Button variant="link" onClick={props.onClear}>
          Clear filters and time range
        </Button>
      </EmptyStateActions>
    </EmptyStateFooter>
  </EmptyState>
)

const advice = (error: ApiError): string => {
  if (error instanceof UnreadableResponse)
    return (
      "The API answered, but not in a form this page understands: the web UI and the API may be of different " +
      "versions, or a proxy changed the answer. Reload the page; if it persists, report it with this page's address."
    )
  if (error.status === 400)
    return "The API rejected this query. Correct the filter or time range, or reset the view."
  if (error.status === 0) return "Check that the tracker is running and reachable, then retry."
  if (error.status >= 500) return "The tracker or its database is unavailable right now. Retry in a moment."
  return "Retry, or reset the view."
}

export const ErrorResults = (props: {
  readonly noun: string
  readonly error: ApiError
  readonly onRetry: () => void
  readonly onReset: () => void
}) => (
  <EmptyState titleText={`Could not load ${props.noun}`} headingLevel="h2" status="danger" variant="sm">
    <EmptyStateBody>
      <span role="alert">{props.error.message}</span>. {advice(props.error)}
    </EmptyStateBody>
    <EmptyStateFooter>
      <EmptyStateActions>
        <Button variant="primary" onClick={props.onRetry}>
          Retry
        </Button>
        <Button variant="link" onClick={props.onReset}>
          Reset the view
        </Button>
      </EmptyStateActions>
    </EmptyStateFooter>
  </EmptyState>
)

export const PastLastPage = (props: {
  readonly page: number
  readonly count: number
  readonly onFirst: () => void
}) => (
  <EmptyState
    titleText={`Page ${props.page} is past the last page`}
    headingLevel="h2"
    icon={SearchIcon}
    variant="sm"
  >
    <EmptyStateBody>There are {props.count} results in all; this link points beyond them.</EmptyStateBody>
    <EmptyStateFooter>
      <EmptyStateActions>
        <Button variant="link" onClick={props.onFirst}>
          Go to page 1
        </Button>
      </EmptyStateActions>
    </EmptyStateFooter>
  </EmptyState>
)

/** Nothing to show, and why (`children`): an answer that is fine but empty. */
export const NothingToShow = (props: { readonly title: string; readonly children: ReactNode }) => (
  <EmptyState titleText={props.title} headingLevel="h2" variant="sm">
    <EmptyStateBody>{props.children}</EmptyStateBody>
  </EmptyState>
)

/**
 * A page's answer in its three states: the error (with retry and reset), loading (before any data), or the
 * data through `children` (the previous data stays shown while a new answer loads).
 */
export const AnswerStates = <A,>(props: {
  readonly noun: string
  readonly error: ApiError | undefined
  readonly data: A | undefined
  readonly onRetry: () => void
  readonly onReset: () => void
  readonly children: (data: A) => ReactNode
}) =>
  props.error !== undefined ? (
    <ErrorResults noun={props.noun} error={props.error} onRetry={props.onRetry} onReset={props.onReset} />
  ) : props.data === undefined ? (
    <LoadingState noun={props.noun} />
  ) : (
    props.children(props.data)
  )
