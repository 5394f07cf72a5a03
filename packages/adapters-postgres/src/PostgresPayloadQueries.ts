import type { AnalyticsQuery } from "@pt/domain/Analytics"
import { PayloadQueries } from "@pt/domain/ports/PayloadQueries"
import type { HostHistoryQuery, PayloadListQuery, StatusListQuery } from "@pt/domain/Queries"
import type { OutcomeAt } from "@pt/domain/Summary"
import type { Micros } from "@pt/domain/Timestamp"
import { Effect } from "effect"
import type { LookupNames } from "./LookupNames.ts"
import { pipelineAnalytics } from "./queries/Analytics.ts"
import { listPayloads } from "./queries/ListPayloads.ts"
import { listStatuses } from "./queries/ListStatuses.ts"
import { openByService } from "./queries/OpenByService.ts"
import { payloadHistory } from "./queries/PayloadHistory.ts"
import { countStatuses } from "./queries/StatusCounts.ts"
import { hostHistory } from "./queries/Summaries.ts"
import type { SqlClient } from "./SqlClient.ts"
import { orUnavailable } from "./StoreErrors.ts"

/**
 * Every read of docs/api.md, with the memory adapter's semantics (the shared contract suite proves it): one span
 * per method, and the one place their failures become the port's StoreUnavailable.
 */
export const makePostgresPayloadQueries = (sql: SqlClient["Service"], names: LookupNames) => {
  const payloads = listPayloads(sql, names)
  const host = hostHistory(sql)
  const statuses = listStatuses(sql, names)
  const history = payloadHistory(sql, names)
  const counts = countStatuses(sql)
  const analytics = pipelineAnalytics(sql)
  const open = openByService(sql)
  return PayloadQueries.of({
    listPayloads: Effect.fn("PostgresStore.listPayloads")(function* (q: PayloadListQuery) {
      return yield* payloads(q)
    }, orUnavailable("listing payloads")),
    listStatuses: Effect.fn("PostgresStore.listStatuses")(function* (q: StatusListQuery) {
      return yield* statuses(q)
    }, orUnavailable("listing statuses")),
    payloadHistory: Effect.fn("PostgresStore.payloadHistory")(function* (requestId: string) {
      return yield* history(requestId)
    }, orUnavailable("reading a payload's history")),
    countStatuses: Effect.fn("PostgresStore.countStatuses")(function* (
      since: Micros,
      wanted: ReadonlyArray<string>,
    ) {
      return yield* counts(since, wanted)
    }, orUnavailable("counting statuses")),
    hostHistory: Effect.fn("PostgresStore.hostHistory")(function* (q: HostHistoryQuery) {
      return yield* host(q)
    }, orUnavailable("reading a host's uploads")),
    pipelineAnalytics: Effect.fn("PostgresStore.pipelineAnalytics")(function* (q: AnalyticsQuery) {
      return yield* analytics(q)
    }, orUnavailable("reading the pipeline analytics")),
    openByService: Effect.fn("PostgresStore.openByService")(function* (at: OutcomeAt) {
      return yield* open(at)
    }, orUnavailable("counting open payloads per service")),
  })
}
