import { type StoreKind, storeKind } from "@pt/runtime/StoreSelection"
import { Config, Duration } from "effect"

/** The consumer's own settings; LOGLEVEL, Clowder and the shutdown rule are `@pt/runtime`'s. */
export interface ConsumerSettings {
  readonly metricsPort: number
  /** `postgres` when a database is configured (DATABASE_URL, DB_* or Clowder's database), else the in-memory store. */
  readonly store: StoreKind
  readonly maintenanceIntervalMs: number
  readonly stuckAfterMs: number
  /** `/ready` fails when the broker has not answered (fetch, heartbeat, commit) for this long. */
  readonly brokerSilenceMs: number
  /** How often the open/stalled payload gauges are recounted from the store. */
  readonly openGaugesIntervalMs: number
  /** A payload in progress whose latest status is older than this is `stalled` (the API's setting too). */
  readonly stalledAfterMs: number
  /** How often the pipeline rollup is refreshed, and how far back a status's date makes its cells refreshed. */
  readonly rollupIntervalMs: number
  readonly rollupLookbackMs: number
}

/** A duration setting (Effect's duration syntax, e.g. "30 seconds", "1 hour") read as milliseconds. */
const millis = (name: string, otherwise: Duration.Duration) =>
  Config.Duration(name).pipe(Config.withDefault(otherwise), Config.map(Duration.toMillis))

export const consumerSettings: Config.Config<ConsumerSettings> = Config.all({
  metricsPort: Config.Port("METRICSPORT").pipe(Config.withDefault(9000)),
  store: storeKind,
  maintenanceIntervalMs: millis("MAINTENANCE_INTERVAL", Duration.hours(1)),
  stuckAfterMs: Config.Int("CONSUMER_STUCK_AFTER_MS").pipe(Config.withDefault(120_000)),
  // Idle, a fetch is answered every 0.5 s and a heartbeat every 3 s (also while a batch is retried): 10 s of
  // silence is an outage, not a slow answer.
  brokerSilenceMs: Config.Int("CONSUMER_READY_SILENCE_MS").pipe(Config.withDefault(10_000)),
  // A count over the unfinished payloads' summary rows: milliseconds when few are open, ≈3 s (one pool
  // connection) with the 540,000 open payloads of the fleet benchmark data. Not per scrape.
  openGaugesIntervalMs: millis("OPEN_PAYLOADS_INTERVAL", Duration.minutes(1)),
  stalledAfterMs: millis("STALLED_AFTER", Duration.hours(1)),
  rollupIntervalMs: millis("PIPELINE_ROLLUP_INTERVAL", Duration.seconds(30)),
  rollupLookbackMs: millis("PIPELINE_ROLLUP_LOOKBACK", Duration.minutes(10)),
})
