import { describe, expect, it } from "@effect/vitest"
import { durationMap } from "@pt/domain/Durations"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { RequestId } from "@pt/domain/RequestId"
import { parseStatusDate } from "@pt/domain/Timestamp"
import { testDay } from "@pt/domain/testing/TestDates"
import { Effect } from "effect"
import { DeadLetterHeaders } from "../src/DeadLetter.ts"
import { flakyMemoryStore } from "../testing/FlakyStore.ts"
import { pipelineTraffic } from "../testing/StatusTraffic.ts"
import {
  freshTopics,
  kafka,
  produce,
  progress,
  readRecords,
  runningSource,
  until,
  untilCommitted,
} from "./LiveKafka.ts"

// Fixture dates derive from the clock (see TestDates.ts): a fixed day goes stale.
const DAY = testDay()

const json = (messages: ReadonlyArray<unknown>) => messages.map((m) => JSON.stringify(m))

describe("KafkaStatusSource against a real broker", () => {
  it.live(
    "stores a shuffled pipeline with duplicates over several partitions exactly once, with the right durations",
    () =>
      Effect.gen(function* () {
        const settings = yield* freshTopics("it.status", 4)
        const traffic = pipelineTraffic(40, 7, 0.2)
        yield* produce(settings.topic, json(traffic.all), 50)
        const store = flakyMemoryStore()
        const source = yield* runningSource(settings, store.layer)

        yield* untilCommitted(settings, traffic.all.length)
        expect(yield* Effect.promise(source.count)).toBe(traffic.unique.length)
        expect(new Set(source.observed.batches.map((b) => b.partition)).size).toBe(4)
        for (const statuses of traffic.perPayload) {
          const history = yield* Effect.promise(() =>
            source.run(
              Effect.flatMap(PayloadQueries, (q) =>
                q.payloadHistory(RequestId.make(statuses[0]!.request_id)),
              ),
            ),
          )
          expect(history?.statuses.length).toBe(statuses.length)
          const expected = durationMap(
            statuses.map((s) => ({
              service: s.service,
              source: s.source ?? "",
              date: parseStatusDate(s.date)!,
            })),
          )
          expect(durationMap(history!.statuses)).toEqual(expected)
          expect(history!.payload.created_at).toBe(parseStatusDate(statuses[0]!.date))
        }
      }).pipe(Effect.scoped),
  )

  it.live("dead-letters every poison record with its reason and stores the valid neighbours", () =>
    Effect.gen(function* () {
      const settings = yield* freshTopics("it.status", 3)
      const ok = (n: number, extra: Record<string, unknown> = {}) =>
        JSON.stringify({
          request_id: `${"a".repeat(30)}${String(n).padStart(2, "0")}`,
          service: "ingress",
          status: "received",
          date: `${DAY}T10:00:${String(n).padStart(2, "0")}.123456Z`,
          ...extra,
        })
      const base = JSON.parse(ok(99)) as Record<string, unknown>
      const poison: Array<string | Buffer> = [
        "{not json",
        JSON.stringify([base]),
        JSON.stringify({ ...base, service: 5 }),
        JSON.stringify({ ...base, status: undefined }),
        JSON.stringify({ ...base, request_id: "-1" }),
        JSON.stringify({ ...base, request_id: "None" }),
        JSON.stringify({ ...base, request_id: "third-party" }),
        JSON.stringify({ ...base, request_id: "" }),
        JSON.stringify({ ...base, date: `${DAY}` }),
        JSON.stringify({ ...base, date: `${DAY}T10:00:00+0100` }),
        JSON.stringify({ ...base, date: 1795000000 }),
        Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
        JSON.stringify({ ...base, status_msg: "x".repeat(1024 * 1024) }),
        "null",
      ]
      const valid = [
        ok(1),
        ok(2, { request_id: "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb" }),
        ok(3, { status_msg: "nul\u0000inside" }),
        ok(4, { SERVICE: "Puptoo", Request_ID: undefined }),
      ]
      const mixed: Array<string | Buffer> = []
      for (const [i, p] of poison.entries()) mixed.push(valid[i % valid.length]!, p)
      mixed.push(ok(50))
      yield* produce(settings.topic, mixed, 3)
      const store = flakyMemoryStore()
      const source = yield* runningSource(settings, store.layer)

      const letters = yield* readRecords(settings.dlqTopic, poison.length, 60_000)
      expect(letters.length).toBe(poison.length)
      for (const letter of letters) {
        expect(letter.headers[DeadLetterHeaders.reason]).toBeTruthy()
        expect(letter.headers[DeadLetterHeaders.topic]).toBe(settings.topic)
      }
      const originals = new Set(poison.map((p) => Buffer.from(p).toString("base64")))
      for (const letter of letters)
        expect(originals.has((letter.value ?? Buffer.alloc(0)).toString("base64"))).toBe(true)
      const reasons = letters.map((l) => l.headers[DeadLetterHeaders.reason]!)
      expect(reasons.some((r) => r.startsWith("record too large"))).toBe(true)
      expect(reasons.some((r) => r.includes("invalid UTF-8"))).toBe(true)
      expect(reasons.some((r) => r.includes("an array"))).toBe(true)

      // Every record's batch commits after its letters are sent, so this follows at once (a dropped commit used
      // to leave it waiting here for good: see CommitRetry.test.ts).
      yield* untilCommitted(settings, mixed.length)
      // Valid neighbours were repeated between the poison records: each distinct status is stored once.
      const distinct = new Set(valid.concat(ok(50)))
      expect(yield* Effect.promise(source.count)).toBe(distinct.size)
      const history = (id: string) =>
        Effect.promise(() =>
          source.run(Effect.flatMap(PayloadQueries, (q) => q.payloadHistory(RequestId.make(id)))),
        )
      expect((yield* history("b".repeat(32)))?.statuses.length).toBe(1)
      expect((yield* history(`${"a".repeat(30)}03`))?.statuses[0]?.status_msg).toBe("nulinside")
    }).pipe(Effect.scoped),
  )

  it.live("pauses while the store is down, commits nothing, then resumes and loses nothing", () =>
    Effect.gen(function* () {
      const settings = yield* freshTopics("it.status", 3)
      const traffic = pipelineTraffic(120, 11, 0)
      const store = flakyMemoryStore()
      const source = yield* runningSource({ ...settings, heartbeatIntervalMs: 1_000 }, store.layer)
      const count = Effect.promise(source.count)
      const half = Math.floor(traffic.all.length / 2)
      yield* produce(settings.topic, json(traffic.all.slice(0, half)), 100)
      yield* until(
        () => "first half stored",
        Effect.map(count, (n) => n === half),
      )

      const joins = () => source.observed.events.filter((e) => e === "group_join").length
      const joinsBeforeOutage = joins()
      store.state.down = true
      const before = yield* progress(settings.groupId, settings.topic)
      yield* produce(settings.topic, json(traffic.all.slice(half)), 100)
      yield* until(
        () => "a failed write",
        Effect.sync(() => store.state.failedWrites >= 2),
      )
      // Not a fixed wait: the source shows it is alive through the outage (more failed attempts, heartbeats
      // answered while it holds the batch), and only then is "nothing committed" worth checking.
      const failedBefore = store.state.failedWrites
      const heartbeats = () => source.observed.events.filter((e) => e === "heartbeat").length
      const beatsBefore = heartbeats()
      yield* until(
        () => `retries (${store.state.failedWrites}) and heartbeats (${heartbeats()}) during the outage`,
        Effect.sync(() => store.state.failedWrites >= failedBefore + 2 && heartbeats() >= beatsBefore + 3),
      )
      const during = yield* progress(settings.groupId, settings.topic)
      expect(during.committed).toBe(before.committed)
      expect(yield* count).toBe(half)

      store.state.down = false
      yield* untilCommitted(settings, traffic.all.length)
      expect(yield* count).toBe(traffic.unique.length)
      expect(source.observed.failures.every((f) => f.dependency === "store")).toBe(true)
      expect(source.observed.recoveries).toContain("store")
      // The group was kept through the outage: no rejoin from the moment the store went down. (Joins before it
      // are the group forming: a 3.9 broker sometimes rebalances a new group once while it settles.)
      expect(joins()).toBe(joinsBeforeOutage)
    }).pipe(Effect.scoped),
  )

  it.live("closing the source (SIGTERM path) commits what it stored and leaves the group", () =>
    Effect.gen(function* () {
      const settings = yield* freshTopics("it.status", 2)
      const traffic = pipelineTraffic(200, 3, 0)
      yield* produce(settings.topic, json(traffic.all), 200)
      const store = flakyMemoryStore()
      const source = yield* runningSource({ ...settings, maxBytesPerPartition: 16 * 1024 }, store.layer)
      yield* until(
        () => "some batches",
        Effect.sync(() => source.observed.batches.length >= 2),
      )
      yield* Effect.promise(source.close)
      const stored = yield* Effect.promise(source.count)
      const { committed } = yield* progress(settings.groupId, settings.topic)
      // Every committed record was stored; the batch in flight at close was finished and committed too.
      expect(committed).toBe(source.observed.batches.reduce((n, b) => n + b.records, 0))
      expect(stored).toBeGreaterThanOrEqual(committed)
      const { groups } = yield* Effect.acquireUseRelease(
        Effect.promise(async () => {
          const admin = kafka.admin()
          await admin.connect()
          return admin
        }),
        (admin) => Effect.promise(() => admin.describeGroups([settings.groupId])),
        (admin) => Effect.promise(() => admin.disconnect()),
      )
      expect(groups[0]?.members.length).toBe(0)
    }).pipe(Effect.scoped),
  )
})
