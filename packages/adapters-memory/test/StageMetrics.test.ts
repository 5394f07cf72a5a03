import { MemoryPayloadStoreLayer } from "../src/MemoryPayloadStore.ts"
import { stageMetricsSuite } from "../testing/StageMetricsSuite.ts"

stageMetricsSuite("memory", MemoryPayloadStoreLayer)
