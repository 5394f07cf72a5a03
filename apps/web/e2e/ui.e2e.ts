import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { seriousA11yViolations } from "./Axe.ts"
import { screenshot } from "./Browser.ts"
import { BULK_ACCOUNTS, BULK_COUNT, dashed, ingest, STORY_DURATIONS, STORY_LANES } from "./Fixtures.ts"
import { ARCHIVE_ROLE, columnTexts, identityHeader, rows, search, trackerForThisFile } from "./Harness.ts"

const tracker = trackerForThisFile()
const { formulaId, storyId, liveId, totalPayloads: TOTAL_PAYLOADS } = tracker.ids
const open = tracker.open

describe("Payloads page", () => {
  it("redirects the app root to Payloads and shows the newest 10 of all payloads", async () => {
    const page = await open("")
    await page.waitForURL("**/app/payload-tracker/payloads")
    await expect.poll(() => rows(page, "Recorded Requests").count()).toBe(10)
    await page.getByText(`All time · ${TOTAL_PAYLOADS} payloads`).waitFor()
    const created = await columnTexts(page, "Recorded Requests", "created_at")
    expect(created).toEqual(created.toSorted().reverse())
    await screenshot(page, "payloads")
    expect(await seriousA11yViolations(page)).toEqual([])
  })

  it("narrows the rows with a typed filter and with a click on a cell, keeping both in the URL", async () => {
    const page = await open("/payloads")
    await page.getByLabel("Filter by account").fill(BULK_ACCOUNTS[1])
    await page.getByLabel("Filter by account").press("Enter")
    await page.getByText(`All time · ${BULK_COUNT / 3} payloads`).waitFor()
    expect(search(page).get("account")).toBe(BULK_ACCOUNTS[1])
    expect(new Set(await columnTexts(page, "Recorded Requests", "account"))).toEqual(
      new Set([BULK_ACCOUNTS[1]]),
    )

    await page.locator('td[data-label="org_id"] button').first().click()
    await expect.poll(() => search(page).get("org_id")).toBe("org-1")
    await page.getByText(`All time · ${BULK_COUNT / 3} payloads`).waitFor()
    await page.getByRole("button", { name: "Remove filter account" }).click()
    await expect.poll(() => search(page).has("account")).toBe(false)
  })

  it("changes the rows with the next page and keeps a 1-based page in the URL", async () => {
    const page = await open("/payloads")
    await expect.poll(() => rows(page, "Recorded Requests").count()).toBe(10)
    const first = await columnTexts(page, "Recorded Requests", "request_id")
    await page.getByRole("button", { name: "Go to next page" }).first().click()
    await expect.poll(() => search(page).get("page")).toBe("2")
    await expect
      .poll(async () => (await columnTexts(page, "Recorded Requests", "request_id"))[0])
      .not.toBe(first[0])
    const second = await columnTexts(page, "Recorded Requests", "request_id")
    expect(second.filter((id) => first.includes(id))).toEqual([])
    // A link reproduces the view: page 3 of 10 holds the remaining 7 payloads.
    await page.goto(`${tracker.origin()}/app/payload-tracker/payloads?page=3`)
    await expect.poll(() => rows(page, "Recorded Requests").count()).toBe(TOTAL_PAYLOADS - 20)
    await page.goto(`${tracker.origin()}/app/payload-tracker/payloads?page=99`)
    await page.getByRole("heading", { name: "Page 99 is past the last page" }).waitFor()
  })

  it("applies a quick time range to created_at", async () => {
    const page = await open("/payloads")
    await page.getByLabel("Time range (created_at)").selectOption("1h")
    // Within the last hour: 6 bulk payloads (every 10 min), the formula, story and live payloads.
    await page.getByText("Last hour · 9 payloads").waitFor()
    expect(search(page).get("range")).toBe("1h")
  })
})

describe("Statuses page", () => {
  it("shows the statuses and filters them by service", async () => {
    const page = await open("/statuses")
    await expect.poll(() => rows(page, "Recorded Statuses").count()).toBe(10)
    await page.getByText(`All time · ${BULK_COUNT * 2 + 4 + 8 + 1} statuses`).waitFor()
    await page.getByLabel("Filter by service").fill("puptoo")
    await page.getByLabel("Filter by service").press("Enter")
    await expect.poll(() => rows(page, "Recorded Statuses").count()).toBe(4)
    expect(new Set(await columnTexts(page, "Recorded Statuses", "service"))).toEqual(new Set(["puptoo"]))
    await screenshot(page, "statuses")
    expect(await seriousA11yViolations(page)).toEqual([])
  })

  it("exports CSV that a spreadsheet cannot run as formulas, and JSON with the raw values", async () => {
    const page = await open(`/statuses?request_id=${formulaId}`)
    await expect.poll(() => rows(page, "Recorded Statuses").count()).toBe(4)
    const [csvDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export CSV" }).click(),
    ])
    expect(csvDownload.suggestedFilename()).toBe("statuses.csv")
    const csv = readFileSync(await csvDownload.path(), "utf8")
    const lines = csv.trimEnd().split("\r\n")
    expect(lines[0]).toBe("request_id,service,source,status,status_msg,date,created_at")
    expect(lines).toHaveLength(5)
    expect(csv).toContain(`'=HYPERLINK(""http://x"",""y"")`)
    expect(csv).toContain(`"'-2+3, a comma"`)
    expect(csv).toContain(",'+cmd,")
    for (const line of lines) for (const cell of line.split(",")) expect(cell).not.toMatch(/^"?[=+\-@\t\r]/)

    const [jsonDownload] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: "Export JSON" }).click(),
    ])
    const json = JSON.parse(readFileSync(await jsonDownload.path(), "utf8")) as Array<{ status_msg?: string }>
    expect(json.map((s) => s.status_msg)).toContain("+cmd")

    const payloads = await open(`/payloads?request_id=${formulaId}`)
    await expect.poll(() => rows(payloads, "Recorded Requests").count()).toBe(1)
    const [payloadCsv] = await Promise.all([
      payloads.waitForEvent("download"),
      payloads.getByRole("button", { name: "Export CSV" }).click(),
    ])
    const payloadLines = readFileSync(await payloadCsv.path(), "utf8").split("\r\n")
    expect(payloadLines[1]).toContain(`${formulaId},'=1+2,'@SUM(A1),`)
  })
})

describe("empty and error states", () => {
  it("says what to do when nothing matches", async () => {
    const page = await open("/payloads?account=no-such-account")
    await page.getByRole("heading", { name: "No payloads match" }).waitFor()
    await page.getByRole("button", { name: "Clear filters and time range" }).click()
    await expect.poll(() => rows(page, "Recorded Requests").count()).toBe(10)
  })

  it("shows the API's error and recovers on Retry", async () => {
    const page = await tracker.blankPage()
    const unavailable = { title: "Service Unavailable", message: "database unavailable", status: 503 }
    await page.route("**/api/v1/statuses?*", (route) => route.fulfill({ status: 503, json: unavailable }))
    await page.goto(`${tracker.origin()}/app/payload-tracker/statuses`)
    await page.getByRole("heading", { name: "Could not load statuses" }).waitFor()
    await page.getByText("database unavailable").waitFor()
    await page.unrouteAll()
    await page.getByRole("button", { name: "Retry" }).click()
    await expect.poll(() => rows(page, "Recorded Statuses").count()).toBe(10)
  })

  it("says what failed when an answer cannot be shown, instead of Loading forever", async () => {
    const page = await tracker.blankPage()
    // The date the API once served for 9999-12-31T23:59:59.999999Z: the Track page hung on "Loading…".
    const history = {
      data: [{ service: "ingress", status: "received", date: "+010000-01-01T00:00.00.Z" }],
      duration: {},
    }
    await page.route(`**/api/v1/payloads/${storyId}?*`, (route) =>
      route.fulfill({ status: 200, json: history }),
    )
    await page.goto(`${tracker.origin()}/app/payload-tracker/track?request_id=${storyId}`)
    await page.getByRole("heading", { name: "Could not load this payload" }).waitFor()
    await page
      .getByText('data[0].date is "+010000-01-01T00:00.00.Z", expected a date this page can read')
      .waitFor()
    await page.getByText("not in a form this page understands").waitFor()
    await page.unrouteAll()
    await page.getByRole("button", { name: "Retry" }).click()
    await page.locator('[data-outcome="error"]').waitFor()
  })

  it("says what failed when a list answer has the wrong shape", async () => {
    const page = await tracker.blankPage()
    await page.route("**/api/v1/payloads?*", (route) =>
      route.fulfill({ status: 200, contentType: "text/html", body: "<html>a proxy's page</html>" }),
    )
    await page.goto(`${tracker.origin()}/app/payload-tracker/payloads`)
    await page.getByRole("heading", { name: "Could not load payloads" }).waitFor()
    await page.getByText("The API's answer to /payloads cannot be shown: it is not JSON").waitFor()
  })
})

describe("Track page", () => {
  it("tells a payload's story: outcome, one lane per service:source, errors, durations, statuses", async () => {
    // With the archive role, as a support engineer behind the platform gateway sees it.
    const page = await open(`/track?request_id=${dashed(storyId)}`, {
      extraHTTPHeaders: identityHeader([ARCHIVE_ROLE]),
    })
    await page.locator('[data-outcome="error"]').waitFor()
    await page.getByRole("heading", { name: `Track a payload: ${storyId}` }).waitFor()
    await page.getByRole("button", { name: "Download archive" }).waitFor()
    const lanes = await page
      .locator("[data-lane]")
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-lane")))
    expect(lanes).toEqual(STORY_LANES)
    await expect.poll(() => page.locator(".pt-timeline__marker").count()).toBe(8)
    await page.getByText("Engine failed: tarball has no facts").first().waitFor()
    for (const [lane, text] of Object.entries(STORY_DURATIONS)) {
      const key = lane.includes(":") ? lane : `${lane}:undefined`
      expect(
        (await page.locator(`[data-duration="${key}"] .pt-durations__value`).textContent())?.trim(),
      ).toBe(text)
    }
    await expect.poll(() => rows(page, "Statuses of this payload").count()).toBe(8)
    const kibana = page.getByRole("link", { name: "View in Kibana", exact: true })
    expect(await kibana.getAttribute("href")).toContain(storyId)
    await screenshot(page, "track")
    expect(await seriousA11yViolations(page)).toEqual([])

    await page.getByRole("link", { name: "Payloads with account 5500001" }).click()
    await page.waitForURL("**/payloads?account=5500001")
    await expect.poll(() => rows(page, "Recorded Requests").count()).toBe(1)
  })

  it("draws a time axis from the first status, in a unit chosen by the span", async () => {
    const page = await open(`/track?request_id=${storyId}`)
    await page.locator("[data-axis]").waitFor()
    // The story spans 14.5 s: ticks every 2 s.
    expect((await page.locator(".pt-timeline__tick-label").allInnerTexts()).map((t) => t.trim())).toEqual([
      "0 s",
      "2 s",
      "4 s",
      "6 s",
      "8 s",
      "10 s",
      "12 s",
      "14 s",
    ])
    // Every lane keeps its span, and markers sit where their time falls on the axis.
    expect(
      (await page.locator("[data-lane] .pt-timeline__span").allInnerTexts()).map((t) => t.trim()),
    ).toEqual(["1.2 s", "10 s", "5.63 s", "1.5 s"])
    const x = async (selector: string) => {
      const box = await page.locator(selector).first().boundingBox()
      return box!.x + box!.width / 2
    }
    const [zero, fourteen, error] = [
      await x(".pt-timeline__tick >> nth=0"),
      await x(".pt-timeline__tick >> nth=7"),
      await x('.pt-timeline__marker[data-kind="error"]'),
    ]
    // The engine error is at 14.5 s: past the 14 s tick by a quarter of a 2 s step.
    expect(error - fourteen).toBeCloseTo((fourteen - zero) / 28, -1)
  })

  it("reaches every timeline marker with the keyboard and shows its details on focus", async () => {
    const page = await open(`/track?request_id=${storyId}`)
    await page.locator('[data-outcome="error"]').waitFor()
    await page.getByLabel("request_id").focus()
    const focusedMarker = () =>
      page.evaluate(() => {
        const e = document.activeElement
        return e?.classList.contains("pt-timeline__marker") ? e.getAttribute("aria-label") : null
      })
    let name: string | null = null
    for (let i = 0; i < 40 && name === null; i++) {
      await page.keyboard.press("Tab")
      name = await focusedMarker()
    }
    expect(name).toMatch(/^ingress: received at \S+Z \(\+0 s\)$/)
    const tooltip = page.getByRole("tooltip")
    await tooltip.getByText("ingress", { exact: true }).waitFor()
    expect(await tooltip.textContent()).toContain("(+0 s)")
    const ring = await page.evaluate(() => getComputedStyle(document.activeElement!).outlineStyle)
    expect(ring).toBe("solid")
    await page.waitForTimeout(400) // the tooltip fades in over 300 ms
    await screenshot(page, "track-marker-focus", "viewport")

    await page.keyboard.press("Tab")
    expect(await focusedMarker()).toMatch(/^ingress: success at \S+Z \(\+1\.2 s\)$/)
    await tooltip.getByText("(+1.2 s)", { exact: false }).waitFor()
    // All 8 markers are in the tab order; the last one is the engine error, message included.
    const names: Array<string | null> = [await focusedMarker()]
    for (let i = 0; i < 6; i++) {
      await page.keyboard.press("Tab")
      names.push(await focusedMarker())
    }
    expect(names.every((n) => n !== null)).toBe(true)
    expect(names.at(-1)).toMatch(/^engine: error at \S+Z \(\+14\.5 s\): Engine failed: tarball has no facts$/)
    await tooltip.getByText("Engine failed: tarball has no facts").waitFor()
    await page.keyboard.press("Escape")
    await expect.poll(() => tooltip.count()).toBe(0)
    // The same details on hover.
    await page.locator('.pt-timeline__marker[data-kind="progress"]').hover()
    await tooltip.getByText("puptoo:inventory", { exact: true }).waitFor()
    expect(await tooltip.textContent()).toContain("(+3 s)")
  })

  it("explains an id that is not a request_id", async () => {
    const page = await open("/track")
    await page.getByLabel("request_id").fill("not-a-request-id")
    await page.getByRole("button", { name: "Track" }).click()
    await page.getByText("32 hexadecimal characters").waitFor()
    expect(search(page).has("request_id")).toBe(false)
  })

  it("shows a status sent while the page is open, without a reload", async () => {
    const page = await open(`/track?request_id=${liveId}`)
    await page.locator('[data-stream="live"]').waitFor()
    await expect.poll(() => rows(page, "Statuses of this payload").count()).toBe(1)
    await page.evaluate(() => {
      ;(window as unknown as { notReloaded: boolean }).notReloaded = true
    })
    const now = Date.now()
    await ingest(tracker.origin(), [
      {
        request_id: liveId,
        service: "puptoo",
        status: "received",
        date: new Date(now - 1_000).toISOString(),
      },
      { request_id: liveId, service: "puptoo", status: "success", date: new Date(now).toISOString() },
    ])
    await expect.poll(() => rows(page, "Statuses of this payload").count(), { timeout: 10_000 }).toBe(3)
    await expect.poll(() => page.locator("[data-lane]").count()).toBe(2)
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true)
    await screenshot(page, "track-live")
  })

  it("downloads the archive from the link the API returns when the identity has the role", async () => {
    const page = await tracker.blankPage({ extraHTTPHeaders: identityHeader([ARCHIVE_ROLE]) })
    // The API runs with REQUESTOR_IMPL=mock: its link points at /mock-archive/{id}, which nothing serves, so
    // the test stands in for the storage (S3) behind that link.
    await page.route("**/mock-archive/**", (route) =>
      route.fulfill({
        status: 200,
        headers: {
          "content-type": "application/gzip",
          "content-disposition": `attachment; filename="${storyId}.tar.gz"`,
        },
        body: Buffer.from("archive bytes"),
      }),
    )
    await page.goto(`${tracker.origin()}/app/payload-tracker/track?request_id=${storyId}`)
    const button = page.getByRole("button", { name: "Download archive" })
    await button.waitFor()
    const [download, link] = await Promise.all([
      page.waitForEvent("download"),
      page.waitForResponse((r) => r.url().endsWith(`/payloads/${storyId}/archiveLink`)),
      button.click(),
    ])
    expect(link.status()).toBe(200)
    const { url } = (await link.json()) as { url: string }
    expect(url).toMatch(new RegExp(`/mock-archive/${storyId}$`))
    expect(download.url()).toBe(url)
    expect(download.suggestedFilename()).toBe(`${storyId}.tar.gz`)
    expect(readFileSync((await download.path())!, "utf8")).toBe("archive bytes")
  })

  it("hides Download archive when /roles/archiveLink answers 401 (no identity) or 403 (no role)", async () => {
    const cases = [
      { headers: {}, status: 401 },
      { headers: identityHeader(["some-other-role"]), status: 403 },
    ]
    for (const { headers, status } of cases) {
      const page = await tracker.blankPage({ extraHTTPHeaders: headers })
      const roles = page.waitForResponse((r) => r.url().endsWith("/roles/archiveLink"))
      await page.goto(`${tracker.origin()}/app/payload-tracker/track?request_id=${storyId}`)
      expect((await roles).status()).toBe(status)
      await page.locator('[data-outcome="error"]').waitFor()
      await page.getByRole("link", { name: "View in Kibana", exact: true }).waitFor()
      // Let React render after the answer: the button would be there by now if it were allowed.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))))
      expect(await page.getByRole("button", { name: "Download archive" }).count()).toBe(0)
      await page.context().close()
    }
  })

  it("explains a 404 from the archive link", async () => {
    const page = await tracker.blankPage({ extraHTTPHeaders: identityHeader([ARCHIVE_ROLE]) })
    // The mock requestor always has a link: the storage broker's 404 is played by the test.
    await page.route("**/api/v1/payloads/*/archiveLink", (route) =>
      route.fulfill({ status: 404, json: { title: "Not Found", message: "Payload not found", status: 404 } }),
    )
    await page.goto(`${tracker.origin()}/app/payload-tracker/track?request_id=${storyId}`)
    await page.getByRole("button", { name: "Download archive" }).click()
    await page.getByText("The archive is not stored, or its 24-hour link expired.").waitFor()
  })
})
