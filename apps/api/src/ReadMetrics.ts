import type { ReadRoutingObserverShape } from "@pt/adapters-postgres/ReadReplica"
import { Metrics } from "@pt/runtime/Metrics"
import type { Registry } from "prom-client"

/**
 * The read routing's metrics (payload_tracker_db_reads, payload_tracker_db_read_replica_up,
 * payload_tracker_db_read_replica_lag_seconds), registered on the first event: a process without a read replica
 * gets no events, so it exposes none of them rather than a replica that looks down.
 */
export const readRoutingMetrics = (registry: Registry): ReadRoutingObserverShape => {
  let metrics:
    | {
        readonly reads: ReturnType<typeof Metrics.dbReads>
        readonly up: ReturnType<typeof Metrics.dbReadReplicaUp>
        readonly lag: ReturnType<typeof Metrics.dbReadReplicaLagSeconds>
      }
    | undefined
  const get = () => {
    metrics ??= {
      reads: Metrics.dbReads(registry),
      up: Metrics.dbReadReplicaUp(registry),
      lag: Metrics.dbReadReplicaLagSeconds(registry),
    }
    return metrics
  }
  return {
    read: (target, reason) => get().reads.inc({ target, reason: reason ?? "" }),
    replica: (state) => {
      const { up, lag } = get()
      up.set(state.up ? 1 : 0)
      lag.set(state.lagSeconds ?? Number.NaN)
    },
  }
}
