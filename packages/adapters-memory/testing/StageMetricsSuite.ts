/**
 * What the operator metrics read from a store (docs/operations.md): `openByService` (the open/stalled gauges)
 * and `RecordResult.finished` (the stage outcome counter and histogram). Run against every store that
 * implements them; services are fresh names, so a shared database does not disturb the counts, and every date
 * derives from the clock.
 */
import { assert, layer } from "@effect/vitest"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import { PayloadStore } from "@pt/domain/ports/PayloadStore"
import type { StatusEvent } from "@pt/domain/StatusEvent"
import { Micros, microsFromMillis } from "@pt/domain/Timestamp"
import { freshId, freshName, statusEvent } from "@pt/domain/testing/Fixtures"
import { Effect, type Layer } from "effect"

const MINUTE = 60_000_000
const HOUR = 60 * MINUTE

export const stageMetricsSuite = <E>(
  name: string,
  storeLayer: Layer.Layer<PayloadStore | PayloadQueries, E>,
  options: { readonly finished: boolean } = { finished: true },
): void =>
  layer(storeLayer, { excludeTestServices: true, timeout: "60 seconds" })(`${name} stage metrics`, (it) => {
    const record = (events: ReadonlyArray<StatusEvent>) => PayloadStore.use((s) => s.record(events))
    const now = () => Date.now() * 1000
    const at = () => {
      const n = microsFromMillis(Date.now())
      return { now: n, stalledAfter: microsFromMillis(3_600_000) }
    }
    const ofServices = (services: ReadonlyArray<string>) =>
      Effect.map(
        PayloadQueries.use((q) => q.openByService(at())),
        (rows) => rows.filter((r) => services.includes(r.service)),
      )

    it.effect("counts per service the open stages of unfinished payloads, and the stalled ones", () =>
      Effect.gen(function* () {
        const [a, b, c] = [freshName("svc-a"), freshName("svc-b"), freshName("svc-c")]
        const t = now()
        const ev = (id: string, service: string, status: string, date: number) =>
          statusEvent({ request_id: id, service, status, date })
        const [p1, p2, p3, p4, p5] = [freshId(), freshId(), freshId(), freshId(), freshId()]
        yield* record([
          // in progress, waiting in b (a finished)
          ev(p1, a, "received", t - 10 * MINUTE),
          ev(p1, a, "success", t - 9 * MINUTE),
          ev(p1, b, "received", t - 8 * MINUTE),
          // stalled in b: its latest status is 3 h old
          ev(p2, b, "received", t - 3 * HOUR),
          // an error elsewhere finishes the payload: not counted as open in b
          ev(p3, b, "received", t - 3 * HOUR),
          ev(p3, c, "error", t - 3 * HOUR),
          // finished
          ev(p4, a, "received", t - 5 * MINUTE),
          ev(p4, a, "success", t - 4 * MINUTE),
          // stalled and open in two services: counted in both
          ev(p5, a, "received", t - 2 * HOUR),
          ev(p5, b, "processing", t - 2 * HOUR),
        ])
        const rows = yield* ofServices([a, b, c])
        assert.deepStrictEqual(rows, [
          { service: a, open: 1, stalled: 1 },
          { service: b, open: 3, stalled: 2 },
        ])
        // A later success in b finishes p1 and p5's stage there; p5 stays open (and stalled) in a.
        yield* record([ev(p1, b, "success", t - 7 * MINUTE), ev(p5, b, "success", t - 2 * HOUR + MINUTE)])
        assert.deepStrictEqual(yield* ofServices([a, b, c]), [
          { service: a, open: 1, stalled: 1 },
          { service: b, open: 1, stalled: 1 },
        ])
      }),
    )

    if (!options.finished) return

    it.effect("reports each finished stage once: not for a redelivery, whatever the order in the batch", () =>
      Effect.gen(function* () {
        const [a, b] = [freshName("svc-a"), freshName("svc-b")]
        const t = now()
        const id = freshId()
        const batch = [
          statusEvent({ request_id: id, service: a, status: "success", date: t - 9 * MINUTE }),
          statusEvent({ request_id: id, service: a, status: "received", date: t - 10 * MINUTE }),
          statusEvent({ request_id: id, service: b, status: "received", date: t - 8 * MINUTE }),
        ]
        const first = yield* record(batch)
        assert.deepStrictEqual(first.finished, [
          { service: a, state: "success", elapsed: Micros.make(MINUTE) },
        ])
        const again = yield* record([...batch].reverse())
        assert.deepStrictEqual(again.finished, [])
        // b fails; a later success of b does not finish it again (an error is final).
        const failed = yield* record([
          statusEvent({ request_id: id, service: b, status: "error", date: t - 6 * MINUTE }),
        ])
        assert.deepStrictEqual(failed.finished, [
          { service: b, state: "error", elapsed: Micros.make(2 * MINUTE) },
        ])
        const after = yield* record([
          statusEvent({ request_id: id, service: b, status: "success", date: t - 5 * MINUTE }),
        ])
        assert.deepStrictEqual(after.finished, [])
        // A retry: a new `received` (a batch of its own) reopens a, its next success finishes it again.
        const reopened = yield* record([
          statusEvent({ request_id: id, service: a, status: "received", date: t - 4 * MINUTE }),
        ])
        assert.deepStrictEqual(reopened.finished, [])
        const retried = yield* record([
          statusEvent({ request_id: id, service: a, status: "success", date: t - 3 * MINUTE }),
        ])
        assert.deepStrictEqual(retried.finished, [
          { service: a, state: "success", elapsed: Micros.make(7 * MINUTE) },
        ])
      }),
    )
  })
