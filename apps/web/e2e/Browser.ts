import { existsSync, mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import { type Browser, chromium, type Page } from "playwright-core"

/**
 * Debian's Chromium driven by playwright-core (no browser can be downloaded here). The flags keep Chromium off
 * the network beyond the page under test: this machine refuses outside connections, many at a time otherwise.
 * Playwright gives every launch a fresh, empty profile.
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium"
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
]

const ARTIFACTS = process.env.PT_ARTIFACTS_DIR ?? fileURLToPath(new URL("../test-artifacts", import.meta.url))

export const launchBrowser = (): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no browser at ${CHROMIUM}: run scripts/chromium.sh (Debian's chromium) or set CHROMIUM_PATH`,
    )
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS })
}

/**
 * A whole-page picture: PatternFly scrolls inside its main container, so the viewport grows to fit it first.
 * `"viewport"` takes what is on screen as it is (a resize would move or close an open tooltip).
 */
export const screenshot = async (
  page: Page,
  name: string,
  mode: "full" | "viewport" = "full",
): Promise<void> => {
  mkdirSync(ARTIFACTS, { recursive: true })
  if (mode === "viewport") {
    await page.screenshot({ path: `${ARTIFACTS}/${name}.png` })
    return
  }
  const viewport = page.viewportSize() ?? { width: 1400, height: 900 }
  const height = await page.evaluate(() =>
    Math.max(...[...document.querySelectorAll("body *")].map((e) => e.scrollHeight)),
  )
  await page.setViewportSize({
    width: viewport.width,
    height: Math.min(Math.max(height + 120, viewport.height), 8000),
  })
  await page.screenshot({ path: `${ARTIFACTS}/${name}.png` })
  await page.setViewportSize(viewport)
}
