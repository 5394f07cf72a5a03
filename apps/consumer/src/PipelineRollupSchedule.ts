import { PipelineRollup } from "@pt/adapters-postgres/PipelineRollup"
import { microsFromMillis } from "@pt/domain/Timestamp"
import { Clock, Effect, Layer, Schedule } from "effect"

/**
 * Keeps the pipeline rollup (packages/adapters-postgres/src/PipelineRollup.ts) current: every `intervalMs`, the
 * cells of every payload with a status dated in the last `lookbackMs` are recomputed. Several consumers may run
 * it: a round that finds another instance refreshing skips. A failed round is logged and the next one retries
 * (each round recomputes whole cells, so nothing is lost but freshness).
 */
export const PipelineRollupSchedule = (
  intervalMs: number,
  lookbackMs: number,
): Layer.Layer<never, never, PipelineRollup> =>
  Layer.effectDiscard(
    PipelineRollup.use((rollup) =>
      Clock.currentTimeMillis.pipe(
        Effect.flatMap((now) => rollup.refresh(microsFromMillis(now - lookbackMs))),
        Effect.catch((e) => Effect.logError("pipeline rollup refresh failed", e)),
        Effect.repeat(Schedule.spaced(intervalMs)),
        Effect.forkScoped,
      ),
    ),
  )
