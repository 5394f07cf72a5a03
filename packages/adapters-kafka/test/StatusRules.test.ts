import { describe, expect, it } from "@effect/vitest"
import { statusRuleCases } from "@pt/domain/testing/StatusRuleCases"
import { Effect } from "effect"
import { DeadLetterHeaders } from "../src/DeadLetter.ts"
import { flakyMemoryStore } from "../testing/FlakyStore.ts"
import { freshTopics, produce, readRecords, runningSource, untilCommitted } from "./LiveKafka.ts"

// The consumer judges a record's bytes exactly as HTTP ingest judges an item (domain StatusMessage.ts): the same
// cases run through POST /statuses in apps/api/test/IngestRules.test.ts.
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64")

describe("the consumer path gives every status rule case the domain's verdict", () => {
  it.live("dead-letters each rejected case with its reason and kind, stores the accepted ones", () =>
    Effect.gen(function* () {
      const cases = statusRuleCases(Date.now())
      const settings = yield* freshTopics("it.rules", 1)
      yield* produce(
        settings.topic,
        cases.map((c) => Buffer.from(c.bytes)),
      )
      const store = flakyMemoryStore()
      const source = yield* runningSource(settings, store.layer)

      const rejected = cases.filter((c) => c.verdict !== "accepted")
      const letters = yield* readRecords(settings.dlqTopic, rejected.length, 60_000)
      const byBytes = new Map(
        letters.map((l) => [(l.value ?? Buffer.alloc(0)).toString("base64"), l.headers]),
      )
      for (const c of rejected) {
        const headers = byBytes.get(base64(c.bytes))
        expect(headers, c.name).toBeDefined()
        if (c.verdict === "accepted") continue
        expect(headers![DeadLetterHeaders.kind], c.name).toBe(c.verdict.kind)
        expect(headers![DeadLetterHeaders.reason], c.name).toMatch(c.verdict.reason)
      }
      yield* untilCommitted(settings, cases.length)
      expect(yield* Effect.promise(source.count)).toBe(cases.length - rejected.length)
      // The kinds the consumer's metrics count by: a numeric request_id is an invalid id, not an invalid message.
      const kinds = source.observed.batches.flatMap((b) => b.rejected.map((r) => r.kind))
      expect(kinds.sort()).toEqual(
        rejected.map((c) => (c.verdict === "accepted" ? "" : c.verdict.kind)).sort(),
      )
    }).pipe(Effect.scoped),
  )
})
