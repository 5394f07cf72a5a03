import type { FinishedStage } from "@pt/domain/ports/PayloadStore"
import type { StatusEvent } from "@pt/domain/StatusEvent"
import {
  mergeServiceSummary,
  type ServiceSummary,
  serviceElapsed,
  serviceState,
  statusSummary,
} from "@pt/domain/Summary"
import { Micros } from "@pt/domain/Timestamp"
import { Schema } from "effect"

const Dates = Schema.NullOr(Schema.Array(Schema.NullOr(Schema.Number)))
const Texts = Schema.NullOr(Schema.Array(Schema.NullOr(Schema.String)))

/** A row of STORED_SUMMARIES (SummarySql.ts): a payload's id and its packed summary (null arrays: none yet). */
export const StoredSummaryRow = Schema.Struct({
  id: Schema.Number,
  request_id: Schema.String,
  service_ids: Schema.NullOr(Schema.Array(Schema.Number)),
  first_dates: Dates,
  last_dates: Dates,
  first_receiveds: Dates,
  last_receiveds: Dates,
  last_terminals: Dates,
  saw_errors: Schema.NullOr(Schema.Array(Schema.Boolean)),
  first_error_dates: Dates,
  first_error_statuses: Texts,
  first_error_msgs: Texts,
  last_status_dates: Dates,
  last_statuses: Texts,
  last_status_msgs: Texts,
})
export type StoredSummaryRow = typeof StoredSummaryRow.Type

type Services = Map<number, ServiceSummary>

const micros = (n: number | null | undefined) => (n === null || n === undefined ? undefined : Micros.make(n))

/** The stored per-service summaries of a row, by service id. */
export const unpack = (r: StoredSummaryRow): Services => {
  const services: Services = new Map()
  const ids = r.service_ids ?? []
  ids.forEach((sv, i) => {
    const errorDate = micros(r.first_error_dates?.[i])
    services.set(sv, {
      firstDate: Micros.make(r.first_dates![i]!),
      lastDate: Micros.make(r.last_dates![i]!),
      ...(micros(r.first_receiveds?.[i]) === undefined
        ? {}
        : { firstReceived: micros(r.first_receiveds?.[i])! }),
      ...(micros(r.last_receiveds?.[i]) === undefined
        ? {}
        : { lastReceived: micros(r.last_receiveds?.[i])! }),
      ...(micros(r.last_terminals?.[i]) === undefined
        ? {}
        : { lastTerminal: micros(r.last_terminals?.[i])! }),
      sawError: r.saw_errors![i]!,
      ...(errorDate === undefined
        ? {}
        : {
            firstError: {
              date: errorDate,
              status: r.first_error_statuses![i]!,
              status_msg: r.first_error_msgs![i]!,
            },
          }),
      lastStatus: {
        date: Micros.make(r.last_status_dates![i]!),
        status: r.last_statuses![i]!,
        status_msg: r.last_status_msgs![i]!,
      },
    })
  })
  return services
}

const sameSummary = (a: ServiceSummary, b: ServiceSummary) =>
  a.firstDate === b.firstDate &&
  a.lastDate === b.lastDate &&
  a.firstReceived === b.firstReceived &&
  a.lastReceived === b.lastReceived &&
  a.lastTerminal === b.lastTerminal &&
  a.sawError === b.sawError &&
  a.firstError?.date === b.firstError?.date &&
  a.firstError?.status === b.firstError?.status &&
  a.firstError?.status_msg === b.firstError?.status_msg &&
  a.lastStatus.date === b.lastStatus.date &&
  a.lastStatus.status === b.lastStatus.status &&
  a.lastStatus.status_msg === b.lastStatus.status_msg

/**
 * The batch's statuses merged per payload (request id) and service by the domain's own merge: done before the
 * write transaction, so the payload row locks are not held meanwhile.
 */
export const batchSummaries = (statuses: ReadonlyArray<StatusEvent>) => {
  const batch = new Map<string, Map<string, ServiceSummary>>()
  for (const e of statuses) {
    const known = batch.get(e.request_id) ?? new Map<string, ServiceSummary>()
    batch.set(e.request_id, known)
    const one = statusSummary(e)
    const previous = known.get(e.service)
    known.set(e.service, previous === undefined ? one : mergeServiceSummary(previous, one))
  }
  return batch
}

/**
 * The batch's summaries (batchSummaries) merged into the stored ones by the domain's own merge (Summary.ts): the
 * parameters of summaryCtes (SummarySql.ts) for the payloads whose summary changed (a redelivery changes none, so
 * writes nothing), and the stages the batch finished (RecordResult.finished: open before or new, not open now).
 * `stored` holds every payload the batch did not create (the caller holds their payload row locks).
 */
export const mergeSummaries = (
  summaries: ReadonlyMap<string, ReadonlyMap<string, ServiceSummary>>,
  payloadIds: ReadonlyMap<string, number>,
  services: ReadonlyMap<string, number>,
  stored: ReadonlyMap<number, Services>,
) => {
  const batch = new Map<number, Services>()
  for (const [requestId, byName] of summaries)
    batch.set(payloadIds.get(requestId)!, new Map([...byName].map(([name, s]) => [services.get(name)!, s])))
  const names = new Map([...services].map(([name, id]) => [id, name]))
  const finished: Array<FinishedStage> = []
  const service: Array<Array<unknown>> = Array.from({ length: 14 }, () => [])
  const payload: Array<Array<unknown>> = Array.from({ length: 6 }, () => [])
  for (const p of [...batch.keys()].sort((a, b) => a - b)) {
    const before = stored.get(p)
    const merged: Services = new Map(before)
    let changed = false
    for (const [sv, s] of batch.get(p)!) {
      const old = before?.get(sv)
      const now = old === undefined ? s : mergeServiceSummary(old, s)
      if (old !== undefined && sameSummary(old, now)) continue
      changed = true
      merged.set(sv, now)
      const state = serviceState(now)
      if ((old === undefined || serviceState(old) === "open") && state !== "open")
        finished.push({ service: names.get(sv) ?? "", state, elapsed: serviceElapsed(now)! })
    }
    if (!changed) continue
    let createdAt = Number.POSITIVE_INFINITY
    let lastDate = Number.NEGATIVE_INFINITY
    let anyError = false
    let open = 0
    for (const sv of [...merged.keys()].sort((a, b) => a - b)) {
      const s = merged.get(sv)!
      createdAt = Math.min(createdAt, s.firstDate)
      lastDate = Math.max(lastDate, s.lastDate)
      anyError ||= s.sawError
      if (serviceState(s) === "open") open++
      const values = [
        p,
        sv,
        s.firstDate,
        s.lastDate,
        s.firstReceived ?? null,
        s.lastReceived ?? null,
        s.lastTerminal ?? null,
        s.sawError,
        s.firstError?.date ?? null,
        s.firstError?.status ?? null,
        s.firstError?.status_msg ?? null,
        s.lastStatus.date,
        s.lastStatus.status,
        s.lastStatus.status_msg,
      ]
      for (const [i, v] of values.entries()) service[i]!.push(v)
    }
    const row = [p, createdAt, lastDate, anyError, open, before === undefined]
    for (const [i, v] of row.entries()) payload[i]!.push(v)
  }
  return { params: [...service, ...payload], finished }
}
