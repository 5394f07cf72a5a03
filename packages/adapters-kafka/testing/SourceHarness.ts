import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import type { PayloadStore } from "@pt/domain/ports/PayloadStore"
import type { StatusFeed } from "@pt/domain/ports/StatusFeed"
import { Effect, Exit, Layer, Scope } from "effect"
import { type KafkaSettings, kafkaConfigWith } from "../src/KafkaConfig.ts"
import { KafkaStatusSource } from "../src/KafkaStatusSource.ts"
import { type BatchReport, SourceObserver, type SourceObserverShape } from "../src/SourceObserver.ts"

/** What a test saw the source do, through the observer hooks. */
export interface Observed {
  readonly batches: Array<BatchReport>
  readonly failures: Array<{ dependency: string; attempt: number }>
  readonly recoveries: Array<string>
  readonly events: Array<string>
}

/**
 * Runs a KafkaStatusSource in-process against the given store layer until `close` (the SIGTERM path: the layer's
 * scope closes). `count` reads how many statuses the store holds.
 */
export const startSource = async (
  settings: Partial<KafkaSettings> & Pick<KafkaSettings, "brokers" | "topic" | "dlqTopic" | "groupId">,
  store: Layer.Layer<PayloadStore | PayloadQueries | StatusFeed>,
) => {
  const observed: Observed = { batches: [], failures: [], recoveries: [], events: [] }
  const observer: SourceObserverShape = {
    batchFetched: () => {},
    batchDone: (r) => observed.batches.push(r),
    dependencyFailed: (dependency, _e, attempt) => observed.failures.push({ dependency, attempt }),
    dependencyRecovered: (d) => observed.recoveries.push(d),
    consumerEvent: (kind) => observed.events.push(kind),
  }
  const layer = KafkaStatusSource.layer.pipe(
    Layer.provide(kafkaConfigWith({ logLevel: "ERROR", ...settings })),
    Layer.provideMerge(store),
    Layer.provide(Layer.succeed(SourceObserver, observer)),
  )
  const scope = Effect.runSync(Scope.make())
  const context = await Effect.runPromise(Layer.buildWithScope(layer, scope))
  const run = Effect.runPromiseWith(context)
  const count = () =>
    run(
      Effect.flatMap(PayloadQueries, (q) =>
        q.listStatuses({ page: 0, pageSize: 1, sortBy: "date", sortDir: "asc", date: {}, created_at: {} }),
      ),
    ).then((page) => page.count)
  return { observed, run, count, close: () => Effect.runPromise(Scope.close(scope, Exit.void)) }
}
