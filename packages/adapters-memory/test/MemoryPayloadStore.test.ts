import { cursorPagingSuite } from "@pt/domain/testing/CursorPagingSuite"
import { payloadStoreSuite } from "@pt/domain/testing/PayloadStoreSuite"
import { MemoryPayloadStoreLayer } from "../src/MemoryPayloadStore.ts"

payloadStoreSuite("memory", MemoryPayloadStoreLayer)
cursorPagingSuite("memory", MemoryPayloadStoreLayer)
