import { beforeAll, describe, expect, it } from "vitest"
import { seriousA11yViolations } from "./Axe.ts"
import { screenshot } from "./Browser.ts"
import { FLEET_ERROR_MSG, FLEET_HOST, fleetPayloads, ingest, newRequestId } from "./Fixtures.ts"
import { columnTexts, rows, search, trackerForThisFile } from "./Harness.ts"

// The fleet pages (issue 10): outcomes in the Payloads list, the Host page and the Pipeline page, on data sent
// through the real ingest, dated from the clock.
const tracker = trackerForThisFile()
const open = tracker.open
const fleet = { success: newRequestId(), error: newRequestId(), stalled: newRequestId() }

beforeAll(async () => {
  await ingest(tracker.origin(), fleetPayloads(Date.now(), fleet))
})

const hostQuery = `inventory_id=${FLEET_HOST.inventory_id}`

describe("Payloads: outcome", () => {
  it("shows each payload's outcome and where it failed or waits, and filters by outcome in the URL", async () => {
    const page = await open(`/payloads?${hostQuery}`)
    await expect.poll(() => rows(page, "Recorded Requests").count()).toBe(3)
    const byId = async () => {
      const ids = await columnTexts(page, "Recorded Requests", "request_id")
      const outcomes = await columnTexts(page, "Recorded Requests", "outcome")
      const where = await columnTexts(page, "Recorded Requests", "where")
      return Object.fromEntries(ids.map((id, i) => [id, [outcomes[i], where[i]]]))
    }
    expect(await byId()).toEqual({
      [fleet.success]: ["success", ""],
      [fleet.error]: ["error", `failed in puptoo: ${FLEET_ERROR_MSG}`],
      [fleet.stalled]: ["stalled", expect.stringMatching(/^open in puptoo since /)],
    })
    await screenshot(page, "payloads-outcome")
    expect(await seriousA11yViolations(page)).toEqual([])

    await page.getByLabel("Filter by outcome").selectOption("error")
    await expect.poll(() => search(page).get("outcome")).toBe("error")
    await expect.poll(() => columnTexts(page, "Recorded Requests", "request_id")).toEqual([fleet.error])
  })

  it("filters by service and status together (a status with that word from that service)", async () => {
    const page = await open("/payloads")
    await page.getByLabel("Filter by service").fill("puptoo")
    await page.getByLabel("Filter by status").fill("error")
    await page.getByLabel("Filter by status").press("Enter")
    await expect.poll(() => columnTexts(page, "Recorded Requests", "request_id")).toEqual([fleet.error])
    expect(search(page).get("service")).toBe("puptoo")
    expect(search(page).get("status")).toBe("error")
  })
})

describe("Host page", () => {
  it("opens from an inventory_id cell with the host's uploads, outcomes and the ids seen together", async () => {
    const page = await open(`/payloads?${hostQuery}`)
    await expect.poll(() => rows(page, "Recorded Requests").count()).toBe(3)
    await page
      .getByRole("link", { name: `Host page of inventory_id ${FLEET_HOST.inventory_id}` })
      .first()
      .click()
    await page.waitForURL(`**/host?${hostQuery}`)
    await page.getByRole("heading", { name: `Host inventory_id ${FLEET_HOST.inventory_id}` }).waitFor()
    await expect.poll(() => rows(page, "Host uploads").count()).toBe(3)
    await page.getByTestId("host-succeeded").getByText("1 of 3 (33%)").waitFor()
    await page.getByRole("link", { name: `Host page of system_id ${FLEET_HOST.system_id}` }).waitFor()
    // Newest first: the error (20 min ago), the success (30 min), the stalled one (2 h).
    expect(await columnTexts(page, "Host uploads", "outcome")).toEqual(["error", "success", "stalled"])
    await screenshot(page, "host")
    expect(await seriousA11yViolations(page)).toEqual([])

    await page.getByRole("link", { name: fleet.error }).click()
    await page.waitForURL(`**/track?request_id=${fleet.error}`)
    // Track links back to the host by either id.
    await page.getByRole("link", { name: `Host page of system_id ${FLEET_HOST.system_id}` }).click()
    await page.waitForURL(`**/host?system_id=${FLEET_HOST.system_id}`)
    // By system_id (sent with puptoo's received, which all three reached): the same three uploads.
    await expect.poll(() => rows(page, "Host uploads").count()).toBe(3)
  })

  it("says so when the host has no upload", async () => {
    const page = await open("/host?inventory_id=00000000-0000-4000-8000-000000000000")
    await page.getByRole("heading", { name: "No uploads from this host" }).waitFor()
  })
})

describe("Pipeline page", () => {
  it("shows the services, charts, flow, top errors and stalled list, each error linking to its payloads", async () => {
    const page = await open("/pipeline")
    await page.getByRole("heading", { name: "Pipeline", level: 1 }).waitFor()
    await expect
      .poll(() => columnTexts(page, "Services", "service"))
      .toEqual(expect.arrayContaining(["ingress", "puptoo", "engine"]))
    // Charts are drawn (SVG from the chart library), one per metric, and the flow as bars.
    for (const chart of [
      "Throughput per service",
      "Errors per service",
      "p95 stage duration per service",
      "flow",
    ])
      await page.locator(`[data-chart="${chart}"] svg`).first().waitFor()
    expect(await columnTexts(page, "Flow", "from")).toContain("ingress")
    // The stalled list says where it waits.
    await expect.poll(() => columnTexts(page, "Stalled payloads", "request_id")).toContain(fleet.stalled)
    const stalledRow = page.locator('table[aria-label="Stalled payloads"] tbody tr', {
      hasText: fleet.stalled,
    })
    await stalledRow.getByText(/open in puptoo since/).waitFor()
    await screenshot(page, "pipeline")
    expect(await seriousA11yViolations(page)).toEqual([])

    const errorRow = page.locator('table[aria-label="Top errors"] tbody tr', { hasText: FLEET_ERROR_MSG })
    await errorRow.getByRole("link", { name: /payloads? with error in puptoo/ }).click()
    await page.waitForURL("**/payloads?*")
    expect(search(page).get("service")).toBe("puptoo")
    expect(search(page).get("status")).toBe("error")
    expect(search(page).get("created_at_gte")).not.toBeNull()
    await expect.poll(() => columnTexts(page, "Recorded Requests", "request_id")).toEqual([fleet.error])
  })

  it("links a service's stalled count to those payloads, each saying where it waits", async () => {
    const page = await open("/pipeline")
    await page.getByRole("link", { name: "1 payload stalled in puptoo" }).click()
    await page.waitForURL("**/payloads?*")
    expect(search(page).get("outcome")).toBe("stalled")
    expect(search(page).get("service")).toBe("puptoo")
    await expect.poll(() => columnTexts(page, "Recorded Requests", "request_id")).toEqual([fleet.stalled])
    expect((await columnTexts(page, "Recorded Requests", "where"))[0]).toMatch(/^open in puptoo since /)
  })

  it("keeps the window in the URL", async () => {
    const page = await open("/pipeline")
    await page.getByLabel("Pipeline window").selectOption("1h")
    await expect.poll(() => search(page).get("range")).toBe("1h")
  })
})
