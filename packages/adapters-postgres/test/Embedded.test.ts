import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import { freshId, statusEvent } from "@pt/domain/testing/Fixtures"
import { Effect } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { EmbeddedStoreLayer } from "../src/Embedded.ts"

const dataDir = mkdtempSync(join(tmpdir(), "pt-pglite-restart-"))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe("embedded store (PGlite)", () => {
  it("keeps data across restarts in its data directory", async () => {
    const id = freshId()
    await Effect.runPromise(
      PayloadStore.use((s) => s.record([statusEvent({ request_id: id, account: "kept" })])).pipe(
        Effect.provide(EmbeddedStoreLayer(dataDir)),
      ),
    )
    const h = await Effect.runPromise(
      PayloadQueries.use((q) => q.payloadHistory(id)).pipe(Effect.provide(EmbeddedStoreLayer(dataDir))),
    )
    expect(h?.payload.account).toBe("kept")
  })
})
