import { statusRuleCases } from "@pt/domain/testing/StatusRuleCases"
import { afterAll, describe, expect, inject, it } from "vitest"
import { DeadLetterHeaders } from "../src/DeadLetter.ts"
import { flakyMemoryStore } from "../testing/FlakyStore.ts"
import {
  createTopics,
  eventually,
  groupProgress,
  produceRaw,
  readTopic,
  testKafka,
  uniqueName,
} from "../testing/KafkaTestKit.ts"
import { startSource } from "../testing/SourceHarness.ts"

// The consumer judges a record's bytes exactly as HTTP ingest judges an item (domain StatusMessage.ts): the same
// cases run through POST /statuses in apps/api/test/IngestRules.test.ts.
const bootstrap = inject("kafkaBootstrapServers")
const kafka = testKafka(bootstrap)
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64")

describe("the consumer path gives every status rule case the domain's verdict", () => {
  const closers: Array<() => Promise<void>> = []
  afterAll(async () => {
    for (const close of closers) await close().catch(() => undefined)
  })

  it("dead-letters each rejected case with its reason and kind, stores the accepted ones", async () => {
    const cases = statusRuleCases(Date.now())
    const topic = uniqueName("it.rules")
    const settings = {
      brokers: [bootstrap],
      topic,
      dlqTopic: `${topic}.dlq`,
      groupId: uniqueName("it.group"),
    }
    await createTopics(kafka, [
      { topic, partitions: 1 },
      { topic: settings.dlqTopic, partitions: 1 },
    ])
    await produceRaw(
      kafka,
      topic,
      cases.map((c) => Buffer.from(c.bytes)),
    )
    const store = flakyMemoryStore()
    const source = await startSource(settings, store.layer)
    closers.push(source.close)

    const rejected = cases.filter((c) => c.verdict !== "accepted")
    const letters = await readTopic(kafka, settings.dlqTopic, rejected.length, 60_000)
    const byBytes = new Map(letters.map((l) => [(l.value ?? Buffer.alloc(0)).toString("base64"), l.headers]))
    for (const c of rejected) {
      const headers = byBytes.get(base64(c.bytes))
      expect(headers, c.name).toBeDefined()
      if (c.verdict === "accepted") continue
      expect(headers![DeadLetterHeaders.kind], c.name).toBe(c.verdict.kind)
      expect(headers![DeadLetterHeaders.reason], c.name).toMatch(c.verdict.reason)
    }
    await eventually(
      () => "all offsets committed",
      async () => (await groupProgress(kafka, settings.groupId, topic)).committed === cases.length,
    )
    expect(await source.count()).toBe(cases.length - rejected.length)
    // The kinds the consumer's metrics count by: a numeric request_id is an invalid id, not an invalid message.
    const kinds = source.observed.batches.flatMap((b) => b.rejected.map((r) => r.kind))
    expect(kinds.sort()).toEqual(rejected.map((c) => (c.verdict === "accepted" ? "" : c.verdict.kind)).sort())
    await source.close()
  })
})
