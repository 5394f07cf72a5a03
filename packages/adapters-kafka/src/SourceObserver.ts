import type { Rejection } from "@pt/domain/StatusMessage"
import { Context } from "effect"

/** What one handled batch did: the consumer app turns it into metrics and health. */
export interface BatchReport {
  readonly topic: string
  readonly partition: number
  readonly records: number
  readonly stored: number
  readonly inserted: number
  readonly duplicates: number
  readonly rejected: ReadonlyArray<Rejection>
  /** Seconds spent in the one store write of the batch (retries included). */
  readonly writeSeconds: number
  /** Seconds from receiving the batch to its offsets committed. */
  readonly totalSeconds: number
  /** Records behind the partition's high watermark after this batch. */
  readonly lag: number
}

/**
 * kafkajs consumer instrumentation events, by name: `fetch` is a fetch request answered (empty or not, about twice a
 * second while idle), `heartbeat` a heartbeat answered, `request_error` a request timed out.
 */
export type ConsumerEventKind =
  | "connect"
  | "group_join"
  | "fetch"
  | "heartbeat"
  | "disconnect"
  | "stop"
  | "crash"
  | "request_error"

/**
 * Hooks the Kafka source calls as it works. Plain synchronous callbacks: they sit on the hot path and only update
 * counters and flags. The default does nothing, so the adapter runs without a consumer app around it.
 */
export interface SourceObserverShape {
  readonly batchFetched: (records: number) => void
  readonly batchDone: (report: BatchReport) => void
  /** A dependency (the store or the dead-letter topic) failed; the batch is retried after `retryInMs`. */
  readonly dependencyFailed: (
    dependency: "store" | "dead_letter",
    error: unknown,
    attempt: number,
    retryInMs: number,
  ) => void
  readonly dependencyRecovered: (dependency: "store" | "dead_letter") => void
  readonly consumerEvent: (kind: ConsumerEventKind, detail?: unknown) => void
}

const noop = () => {}
export const SourceObserver = Context.Reference<SourceObserverShape>("@pt/adapters-kafka/SourceObserver", {
  defaultValue: () => ({
    batchFetched: noop,
    batchDone: noop,
    dependencyFailed: noop,
    dependencyRecovered: noop,
    consumerEvent: noop,
  }),
})
