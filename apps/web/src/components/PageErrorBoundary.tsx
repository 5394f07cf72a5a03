import {
  Button,
  EmptyState,
  EmptyStateActions,
  EmptyStateBody,
  EmptyStateFooter,
  PageSection,
} from "@patternfly/react-core"
import { Component, type ErrorInfo, type ReactNode } from "react"
import { Link } from "../routing/Link.tsx"

interface State {
  readonly error: Error | undefined
}

/**
 * The last line of defence around every page: an error thrown while rendering (an answer the decoders let
 * through that a component still cannot draw, or a plain bug) shows what failed and what to do, instead of
 * React unmounting the whole app to a blank screen. The navigation stays usable, and going to another
 * address (`resetKey` changes) tries again.
 */
interface Props {
  readonly resetKey: string
  readonly children: ReactNode
}

export class PageErrorBoundary extends Component<Props, State> {
  override state: State = { error: undefined }

  override componentDidUpdate(previous: Props): void {
    if (this.state.error !== undefined && previous.resetKey !== this.props.resetKey)
      this.setState({ error: undefined })
  }

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) }
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error("page failed to render", error, info.componentStack)
  }

  override render(): ReactNode {
    const { error } = this.state
    if (error === undefined) return this.props.children
    return (
      <PageSection>
        <EmptyState titleText="This page could not be shown" headingLevel="h1" status="danger">
          <EmptyStateBody>
            <span role="alert">Something on this page failed: {error.message || error.name}.</span> Reload the
            page or open another one; if it keeps happening, report it with this page's address.
          </EmptyStateBody>
          <EmptyStateFooter>
            <EmptyStateActions>
              <Button variant="primary" onClick={() => window.location.reload()}>
                Reload the page
              </Button>
              <Link to="/payloads">Go to Payloads</Link>
            </EmptyStateActions>
          </EmptyStateFooter>
        </EmptyState>
      </PageSection>
    )
  }
}
