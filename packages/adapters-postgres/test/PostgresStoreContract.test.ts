import { analyticsSuite } from "@pt/domain/testing/AnalyticsSuite"
import { cursorPagingSuite } from "@pt/domain/testing/CursorPagingSuite"
import { payloadStoreSuite } from "@pt/domain/testing/PayloadStoreSuite"
import { summarySuite } from "@pt/domain/testing/SummarySuite"
import { inject } from "vitest"
import { PipelineRollup } from "../src/PipelineRollup.ts"
import { testStoreLayer } from "../testing/PostgresTestServer.ts"

payloadStoreSuite("postgres", testStoreLayer(inject("databaseUrl"), "contract"))
cursorPagingSuite("postgres", testStoreLayer(inject("databaseUrl"), "cursor"))
summarySuite("postgres", testStoreLayer(inject("databaseUrl"), "summary"))
analyticsSuite("postgres", testStoreLayer(inject("databaseUrl"), "analytics"), (since) =>
  PipelineRollup.use((rollup) => rollup.refresh(since)),
)
