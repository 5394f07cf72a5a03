import { payloadStoreSuite } from "@pt/domain/testing/PayloadStoreSuite"
import { MemoryPayloadStoreLayer } from "../src/MemoryPayloadStore.ts"

payloadStoreSuite("memory", MemoryPayloadStoreLayer)
