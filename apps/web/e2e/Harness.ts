import type { Browser, BrowserContextOptions, Page } from "playwright-core"
import { afterAll, beforeAll } from "vitest"
import { type RunningApi, startApi } from "./ApiServer.ts"
import { launchBrowser } from "./Browser.ts"
import { BULK_COUNT, bulkPayloads, formulaPayload, ingest, newRequestId, storyPayload } from "./Fixtures.ts"

/**
 * One tracker and one browser for a test file: the API is started and loaded with the fixtures (through HTTP
 * ingest) before the first test, and both are stopped after the last.
 */
export const trackerForThisFile = () => {
  let api: RunningApi | undefined
  let browser: Browser | undefined
  const ids = {
    formulaId: newRequestId(),
    storyId: newRequestId(),
    liveId: newRequestId(),
    totalPayloads: BULK_COUNT + 3,
  }

  beforeAll(async () => {
    api = await startApi()
    const now = Date.now()
    await ingest(api.origin, bulkPayloads(now).statuses)
    await ingest(api.origin, formulaPayload(now, ids.formulaId))
    await ingest(api.origin, storyPayload(now, ids.storyId))
    const liveStart = { request_id: ids.liveId, service: "ingress", status: "received" }
    await ingest(api.origin, [{ ...liveStart, date: new Date(now - 20_000).toISOString() }])
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await api?.stop()
  })

  const origin = (): string => api!.origin
  /**
   * A page in a fresh context (no shared cookies or routes), downloads accepted, not navigated yet; `options` adds
   * to the context (e.g. `extraHTTPHeaders` for the platform identity header).
   */
  const blankPage = async (options: BrowserContextOptions = {}): Promise<Page> => {
    const context = await browser!.newContext({
      viewport: { width: 1400, height: 900 },
      acceptDownloads: true,
      ...options,
    })
    return context.newPage()
  }
  /** A fresh page at a path below /app/payload-tracker. */
  const open = async (path: string, options: BrowserContextOptions = {}): Promise<Page> => {
    const page = await blankPage(options)
    await page.goto(`${origin()}/app/payload-tracker${path}`)
    return page
  }
  return { ids, origin, blankPage, open }
}

export const rows = (page: Page, table: string) => page.locator(`table[aria-label="${table}"] tbody tr`)

export const columnTexts = async (page: Page, table: string, column: string): Promise<Array<string>> =>
  (await page.locator(`table[aria-label="${table}"] tbody td[data-label="${column}"]`).allInnerTexts()).map(
    (t) => t.trim(),
  )

export const search = (page: Page): URLSearchParams => new URL(page.url()).searchParams

/**
 * The platform's `x-rh-identity` header as the API reads it (apps/api/src/Identity.ts): standard base64 of JSON,
 * an associate's roles in `identity.associate.Role`.
 */
export const identityHeader = (roles: ReadonlyArray<string>): Record<string, string> => ({
  "x-rh-identity": Buffer.from(
    JSON.stringify({ identity: { type: "Associate", associate: { Role: roles } } }),
  ).toString("base64"),
})
/** The role the API asks for by default (STORAGEBROKERURLROLE). */
export const ARCHIVE_ROLE = "platform-archive-download"
