import { EmptyState, EmptyStateBody, PageSection } from "@patternfly/react-core"
import { lazy, Suspense, useEffect } from "react"
import { AppLayout } from "./AppLayout.tsx"
import { PageErrorBoundary } from "./components/PageErrorBoundary.tsx"
import { LoadingState } from "./components/ResultStates.tsx"
import { HostPage } from "./pages/HostPage.tsx"
import { PayloadsPage } from "./pages/PayloadsPage.tsx"
import { StatusesPage } from "./pages/StatusesPage.tsx"
import { TrackPage } from "./pages/TrackPage.tsx"
import { Link } from "./routing/Link.tsx"
import { navigate, useAppLocation } from "./routing/Router.ts"

// The chart library is most of the bundle: only the Pipeline page loads it.
const PipelinePage = lazy(() => import("./pages/PipelinePage.tsx"))

const NotFound = () => (
  <PageSection>
    <EmptyState titleText="No such page" headingLevel="h1">
      <EmptyStateBody>
        This address is not a page of the tracker. Go to <Link to="/payloads">Payloads</Link>.
      </EmptyStateBody>
    </EmptyState>
  </PageSection>
)

const Redirect = (props: { readonly to: string }) => {
  useEffect(() => navigate(props.to, { replace: true }), [props.to])
  return null
}

const Route = (props: { readonly path: string }) => {
  switch (props.path) {
    case "":
      return <Redirect to="/payloads" />
    case "/payloads":
      return <PayloadsPage />
    case "/statuses":
      return <StatusesPage />
    case "/track":
      return <TrackPage />
    case "/host":
      return <HostPage />
    case "/pipeline":
      return (
        <Suspense fallback={<LoadingState noun="the Pipeline page" />}>
          <PipelinePage />
        </Suspense>
      )
    default:
      return <NotFound />
  }
}

export const App = () => {
  const { path, params } = useAppLocation()
  return (
    <AppLayout path={path}>
      <PageErrorBoundary resetKey={`${path}?${params}`}>
        <Route path={path} />
      </PageErrorBoundary>
    </AppLayout>
  )
}
