/**
 * `pipelineAnalytics` of the memory store (packages/domain/src/Analytics.ts): one pass over the payloads'
 * summaries. The PostgreSQL store computes the same in SQL; the contract suite (AnalyticsSuite.ts) checks both
 * against values worked out by hand from the statuses it records.
 */
import type { AnalyticsQuery, FlowEdge, PipelineAnalytics, ServiceAnalytics } from "@pt/domain/Analytics"
import { bucketStarts, percentiles } from "@pt/domain/Analytics"
import {
  compareText,
  type PayloadSummary,
  serviceElapsed,
  serviceState,
  summaryOutcome,
} from "@pt/domain/Summary"
import type { Micros } from "@pt/domain/Timestamp"

/** A payload's summary with its request id: what an in-process store computes the analytics from. */
interface SummaryOfPayload {
  readonly request_id: string
  readonly summary: PayloadSummary
}

interface ServiceTally {
  seen: number
  succeeded: number
  failed: number
  openNow: number
  stalledNow: number
  elapsed: Array<Micros>
  buckets: Array<{ throughput: number; errors: number; elapsed: Array<Micros> }>
  errors: Map<string, { status: string; status_msg: string; count: number; exampleRequestId: string }>
}

/**
 * The analytics of these payloads' summaries (a payload without statuses has no summary and is left out).
 */
export const analyticsOf = (payloads: Iterable<SummaryOfPayload>, q: AnalyticsQuery): PipelineAnalytics => {
  const starts = bucketStarts(q)
  const tallies = new Map<string, ServiceTally>()
  const flow = new Map<string, FlowEdge>()
  const at = { now: q.now, stalledAfter: q.stalledAfter }
  for (const { request_id, summary } of payloads) {
    const ordered = Object.entries(summary.services).sort(
      ([a, x], [b, y]) => x.firstDate - y.firstDate || compareText(a, b),
    )
    let stalled: boolean | undefined
    ordered.forEach(([service, s], i) => {
      if (s.firstDate < q.since || s.firstDate >= q.until) return
      let t = tallies.get(service)
      if (t === undefined) {
        t = {
          seen: 0,
          succeeded: 0,
          failed: 0,
          openNow: 0,
          stalledNow: 0,
          elapsed: [],
          buckets: starts.map(() => ({ throughput: 0, errors: 0, elapsed: [] })),
          errors: new Map(),
        }
        tallies.set(service, t)
      }
      const bucket = t.buckets[Math.floor((s.firstDate - q.since) / q.bucket)]!
      const state = serviceState(s)
      t.seen++
      bucket.throughput++
      if (state === "open") {
        t.openNow++
        stalled ??= summaryOutcome(summary, at) === "stalled"
        if (stalled) t.stalledNow++
      } else {
        const elapsed = serviceElapsed(s)!
        t.elapsed.push(elapsed)
        bucket.elapsed.push(elapsed)
        if (state === "success") t.succeeded++
        else {
          t.failed++
          bucket.errors++
        }
      }
      if (s.firstError !== undefined) {
        const key = `${s.firstError.status}\u0000${s.firstError.status_msg}`
        const known = t.errors.get(key)
        if (known === undefined)
          t.errors.set(key, { ...s.firstError, count: 1, exampleRequestId: request_id })
        else {
          known.count++
          if (compareText(request_id, known.exampleRequestId) < 0) known.exampleRequestId = request_id
        }
      }
      const previous = ordered[i - 1]
      if (previous !== undefined) {
        const key = `${previous[0]}\u0000${service}`
        flow.set(key, { from: previous[0], to: service, count: (flow.get(key)?.count ?? 0) + 1 })
      }
    })
  }
  const services = [...tallies]
    .sort(([a], [b]) => compareText(a, b))
    .map(([service, t]): ServiceAnalytics => {
      const duration = percentiles(t.elapsed)
      return {
        service,
        seen: t.seen,
        succeeded: t.succeeded,
        failed: t.failed,
        openNow: t.openNow,
        stalledNow: t.stalledNow,
        ...(duration === undefined ? {} : { duration }),
        series: t.buckets.map((b, i) => {
          const p = percentiles(b.elapsed)
          return {
            start: starts[i]!,
            throughput: b.throughput,
            errors: b.errors,
            ...(p === undefined ? {} : { p95: p.p95 }),
          }
        }),
        topErrors: [...t.errors.values()]
          .sort(
            (a, b) =>
              b.count - a.count || compareText(a.status, b.status) || compareText(a.status_msg, b.status_msg),
          )
          .slice(0, q.topErrors)
          .map((e) => ({
            status: e.status,
            status_msg: e.status_msg,
            count: e.count,
            exampleRequestId: e.exampleRequestId,
          })),
      }
    })
  return {
    services,
    flow: [...flow.values()].sort(
      (a, b) => b.count - a.count || compareText(a.from, b.from) || compareText(a.to, b.to),
    ),
  }
}
