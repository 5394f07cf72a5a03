import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { payloadStoreSuite } from "@pt/domain/testing/PayloadStoreSuite"
import { afterAll } from "vitest"
import { EmbeddedStoreLayer } from "../src/Embedded.ts"

const dataDir = mkdtempSync(join(tmpdir(), "pt-pglite-"))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

payloadStoreSuite("embedded (PGlite)", EmbeddedStoreLayer(dataDir))
