import { statusFeedSuite } from "@pt/domain/testing/StatusFeedSuite"
import { MemoryStatusFeedLayer } from "../src/MemoryStatusFeed.ts"

statusFeedSuite("memory", MemoryStatusFeedLayer)
