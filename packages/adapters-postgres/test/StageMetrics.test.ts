import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { stageMetricsSuite } from "@pt/adapters-memory/testing/StageMetricsSuite"
import { afterAll, inject } from "vitest"
import { EmbeddedStoreLayer } from "../src/Embedded.ts"
import { testStoreLayer } from "../testing/PostgresTestServer.ts"

// The same answers as the memory store (packages/adapters-memory/test/StageMetrics.test.ts), from the summary
// tables: PostgreSQL and PGlite (the embedded start) run the same SQL.
const dataDir = mkdtempSync(join(tmpdir(), "pt-pglite-stages-"))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

stageMetricsSuite("postgres", testStoreLayer(inject("databaseUrl"), "stagemetrics"))
stageMetricsSuite("embedded (PGlite)", EmbeddedStoreLayer(dataDir))
