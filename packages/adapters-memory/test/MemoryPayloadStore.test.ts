import { analyticsSuite } from "@pt/domain/testing/AnalyticsSuite"
import { cursorPagingSuite } from "@pt/domain/testing/CursorPagingSuite"
import { payloadStoreSuite } from "@pt/domain/testing/PayloadStoreSuite"
import { summarySuite } from "@pt/domain/testing/SummarySuite"
import { MemoryPayloadStoreLayer } from "../src/MemoryPayloadStore.ts"

payloadStoreSuite("memory", MemoryPayloadStoreLayer)
cursorPagingSuite("memory", MemoryPayloadStoreLayer)
summarySuite("memory", MemoryPayloadStoreLayer)
analyticsSuite("memory", MemoryPayloadStoreLayer)
