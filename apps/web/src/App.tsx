import { EmptyState, EmptyStateBody, PageSection } from "@patternfly/react-core"
import { useEffect } from "react"
import { AppLayout } from "./AppLayout.tsx"
import { PageErrorBoundary } from "./components/PageErrorBoundary.tsx"
import { PayloadsPage } from "./pages/PayloadsPage.tsx"
import { StatusesPage } from "./pages/StatusesPage.tsx"
import { TrackPage } from "./pages/TrackPage.tsx"
import { Link } from "./routing/Link.tsx"
import { navigate, useAppLocation } from "./routing/Router.ts"

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
