import { useMemo, useSyncExternalStore } from "react"

/**
 * A minimal History-API router: three pages do not need a routing library. Paths inside the app are relative
 * to the base the API serves the UI under (`/app/payload-tracker`), e.g. `/track?request_id=...`.
 */
const APP_BASE = import.meta.env.BASE_URL.replace(/\/$/, "")

const NAVIGATE_EVENT = "pt:navigate"

const subscribe = (onChange: () => void): (() => void) => {
  window.addEventListener("popstate", onChange)
  window.addEventListener(NAVIGATE_EVENT, onChange)
  return () => {
    window.removeEventListener("popstate", onChange)
    window.removeEventListener(NAVIGATE_EVENT, onChange)
  }
}

const snapshot = (): string => `${window.location.pathname}${window.location.search}`

export const appHref = (to: string): string => `${APP_BASE}${to}`

export const navigate = (to: string, options: { readonly replace?: boolean } = {}): void => {
  const href = appHref(to)
  if (href === snapshot()) return
  if (options.replace) window.history.replaceState(null, "", href)
  else window.history.pushState(null, "", href)
  window.dispatchEvent(new Event(NAVIGATE_EVENT))
}

interface AppLocation {
  /** Path below the base, without a trailing slash: `""`, `/payloads`, `/statuses`, `/track`. */
  readonly path: string
  /** The raw query string, without `?`: a stable value to memoise on. */
  readonly search: string
  readonly params: URLSearchParams
}

export const useAppLocation = (): AppLocation => {
  const current = useSyncExternalStore(subscribe, snapshot)
  return useMemo(() => {
    const url = new URL(current, window.location.origin)
    const below = url.pathname.startsWith(APP_BASE) ? url.pathname.slice(APP_BASE.length) : url.pathname
    const search = url.search.replace(/^\?/, "")
    return { path: below.replace(/\/+$/, ""), search, params: new URLSearchParams(search) }
  }, [current])
}
