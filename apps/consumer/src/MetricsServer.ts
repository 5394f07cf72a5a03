import { MetricsServerLayer as ServeMetrics } from "@pt/runtime/MetricsServer"
import { Effect, Layer } from "effect"
import { ConsumerHealth } from "./Health.ts"

/** `/metrics` (Prometheus text), `/live` and `/ready` (200 or 503 with a JSON detail) on METRICSPORT. */
export const MetricsServerLayer = (port: number) =>
  Layer.unwrap(
    Effect.map(ConsumerHealth, ({ report }) => {
      const answer = (ok: (r: { live: boolean; ready: boolean }) => boolean) =>
        Effect.map(report, (r) => ({
          status: ok(r) ? 200 : 503,
          body: { status: ok(r) ? "ok" : "unavailable", ...r.detail },
        }))
      return ServeMetrics(port, { "/live": answer((r) => r.live), "/ready": answer((r) => r.ready) })
    }),
  )
