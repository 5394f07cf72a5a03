import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { analyticsSuite } from "@pt/domain/testing/AnalyticsSuite"
import { cursorPagingSuite } from "@pt/domain/testing/CursorPagingSuite"
import { payloadStoreSuite } from "@pt/domain/testing/PayloadStoreSuite"
import { statusFeedSuite } from "@pt/domain/testing/StatusFeedSuite"
import { summarySuite } from "@pt/domain/testing/SummarySuite"
import { afterAll } from "vitest"
import { EmbeddedStoreLayer } from "../src/Embedded.ts"
import { PipelineRollup } from "../src/PipelineRollup.ts"

const dataDir = mkdtempSync(join(tmpdir(), "pt-pglite-"))
// Its own directory: two PGlite instances cannot share one.
const cursorDataDir = mkdtempSync(join(tmpdir(), "pt-pglite-cursor-"))
const feedDataDir = mkdtempSync(join(tmpdir(), "pt-pglite-feed-"))
const summaryDataDir = mkdtempSync(join(tmpdir(), "pt-pglite-summary-"))
const analyticsDataDir = mkdtempSync(join(tmpdir(), "pt-pglite-analytics-"))
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(cursorDataDir, { recursive: true, force: true })
  rmSync(feedDataDir, { recursive: true, force: true })
  rmSync(summaryDataDir, { recursive: true, force: true })
  rmSync(analyticsDataDir, { recursive: true, force: true })
})

payloadStoreSuite("embedded (PGlite)", EmbeddedStoreLayer(dataDir))
cursorPagingSuite("embedded (PGlite)", EmbeddedStoreLayer(cursorDataDir))
statusFeedSuite("embedded (PGlite)", EmbeddedStoreLayer(feedDataDir))
summarySuite("embedded (PGlite)", EmbeddedStoreLayer(summaryDataDir))
analyticsSuite("embedded (PGlite)", EmbeddedStoreLayer(analyticsDataDir), (since) =>
  PipelineRollup.use((rollup) => rollup.refresh(since)),
)
