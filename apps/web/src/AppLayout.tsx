import {
  Masthead,
  MastheadBrand,
  MastheadContent,
  MastheadLogo,
  MastheadMain,
  Nav,
  NavItem,
  NavList,
  Page,
  SkipToContent,
} from "@patternfly/react-core"
import type { ReactNode } from "react"
import { appHref, navigate } from "./routing/Router.ts"

const PAGES = [
  { path: "/payloads", label: "Payloads" },
  { path: "/statuses", label: "Statuses" },
  { path: "/track", label: "Track" },
  { path: "/pipeline", label: "Pipeline" },
] as const

const MAIN_ID = "pt-main"

/** Masthead with the pages as a horizontal nav; links are real hrefs so they open in new tabs too. */
export const AppLayout = (props: { readonly path: string; readonly children: ReactNode }) => {
  const masthead = (
    <Masthead>
      <MastheadMain>
        <MastheadBrand>
          <MastheadLogo href={appHref("/payloads")} className="pt-brand">
            Payload Tracker
          </MastheadLogo>
        </MastheadBrand>
      </MastheadMain>
      <MastheadContent>
        <Nav variant="horizontal" aria-label="Pages">
          <NavList>
            {PAGES.map((page) => (
              <NavItem
                key={page.path}
                to={appHref(page.path)}
                isActive={props.path === page.path}
                onClick={(event) => {
                  const mouse = event as unknown as MouseEvent
                  if (mouse.metaKey || mouse.ctrlKey || mouse.shiftKey) return
                  event.preventDefault()
                  navigate(page.path)
                }}
              >
                {page.label}
              </NavItem>
            ))}
          </NavList>
        </Nav>
      </MastheadContent>
    </Masthead>
  )
  return (
    <Page
      masthead={masthead}
      mainContainerId={MAIN_ID}
      skipToContent={<SkipToContent href={`#${MAIN_ID}`}>Skip to content</SkipToContent>}
    >
      {props.children}
    </Page>
  )
}
