/**
 * Prints the plans PostgreSQL chooses for the exact SQL the read path sends (EXPLAIN ANALYZE), on the
 * configured database (load it first with load:data). Used to write the plans section of docs/postgres.md.
 */

import type { PayloadListQuery, StatusListQuery } from "@pt/domain/Queries"
import { RequestId } from "@pt/domain/RequestId"
import { formatTimestamp, Micros } from "@pt/domain/Timestamp"
import { Effect } from "effect"
import { makeLookupNames } from "../src/LookupNames.ts"
import { postgresOrm } from "../src/MikroOrm.ts"
import { makePostgresPayloadQueries } from "../src/PostgresPayloadQueries.ts"
import { SqlClient } from "../src/SqlClient.ts"
import { configFromUrl, resolveDatabaseUrl } from "../testing/PostgresTestServer.ts"

const main = Effect.gen(function* () {
  const { sql } = yield* postgresOrm(configFromUrl(resolveDatabaseUrl()))
  const pick = async <A>(text: string) => (await Effect.runPromise(sql.query<A>(text))).rows[0]!
  const sample = yield* Effect.promise(() =>
    pick<{ request_id: string; account: string; newest: number }>(
      `select request_id, account, (extract(epoch from created_at) * 1e6)::float8 as newest
       from payloads where account <> '' order by id desc limit 1`,
    ),
  )
  let section = ""
  const summary: Array<string> = []
  const explaining = SqlClient.of({
    ...sql,
    query: (text, params) =>
      Effect.gen(function* () {
        // Run once unexplained first (caches warm, lookup names loaded), then explain: the plan of a warm query.
        const real = yield* sql.query(text, params)
        const plan = yield* sql.query<{ "QUERY PLAN": string }>(
          `explain (analyze, buffers, costs off) ${text}`,
          params,
        )
        console.log(`\n-- ${text.replace(/\s+/g, " ").slice(0, 160)}…\n-- params: ${JSON.stringify(params)}`)
        const lines = plan.rows.map((row) => row["QUERY PLAN"])
        for (const line of lines) console.log(line)
        const ms = (name: string) => lines.find((l) => l.startsWith(name))?.replace(/.*: /, "") ?? "?"
        summary.push(
          `${section.padEnd(58)} ${text.trimStart().slice(0, 22).replace(/\s+/g, " ").padEnd(22)} plan ${ms("Planning Time").padStart(9)}  exec ${ms("Execution Time").padStart(10)}`,
        )
        return real as never
      }),
  })
  const heading = (name: string) => {
    section = name
    console.log(`\n## ${name}`)
  }
  const q = makePostgresPayloadQueries(explaining, makeLookupNames(explaining))
  const hour = 3_600_000_000
  const base = { page: 0, pageSize: 10, sortDir: "desc" as const }
  const payloads = (p: Partial<PayloadListQuery>) =>
    q.listPayloads({ ...base, created_at: {}, sortBy: "created_at", ...p })
  const statuses = (p: Partial<StatusListQuery>) =>
    q.listStatuses({ ...base, date: {}, created_at: {}, sortBy: "date", ...p })
  console.log(
    `# sample payload ${sample.request_id}, account ${sample.account}, newest ${formatTimestamp(Micros.make(sample.newest))}`,
  )
  heading("GET /payloads/{id} (payload row; its statuses by payload_id)")
  const p = yield* Effect.promise(() =>
    pick<{ id: number }>(`select id::float8 as id from payloads where request_id = '${sample.request_id}'`),
  )
  yield* explaining.query(`select * from payload_statuses s where s.payload_id = $1`, [p.id])
  yield* q.payloadHistory(RequestId.make(sample.request_id))
  heading("GET /payloads?account=…")
  yield* payloads({ account: sample.account })
  heading("GET /payloads?created_at_gte=…&created_at_lt=… (1 hour)")
  yield* payloads({
    created_at: { gte: Micros.make(sample.newest - 2 * hour), lt: Micros.make(sample.newest - hour) },
  })
  heading("GET /statuses?service=puptoo&status=success&date_gte=…&date_lt=… (1 hour)")
  yield* statuses({
    service: "puptoo",
    status: "success",
    date: { gte: Micros.make(sample.newest - 2 * hour), lt: Micros.make(sample.newest - hour) },
  })
  heading("GET /statuses?date_gte=… (1 hour, no other filter)")
  yield* statuses({ date: { gte: Micros.make(sample.newest - hour) } })
  heading("GET /payloads (no filter)")
  yield* payloads({})
  heading("GET /statuses?service=puptoo (no status, no date)")
  yield* statuses({ service: "puptoo" })
  heading("GET /statuses?service=puptoo&date_gte=… (1 hour)")
  yield* statuses({
    service: "puptoo",
    date: { gte: Micros.make(sample.newest - 2 * hour), lt: Micros.make(sample.newest - hour) },
  })
  heading("GET /statuses?status_msg=… (an error message, no date)")
  yield* statuses({ status_msg: "Engine failed: rule plugin timeout after 30s" })
  heading("GET /statuses (no filter)")
  yield* statuses({})
  heading("GET /stats (countStatuses since 24 h)")
  yield* q.countStatuses(Micros.make(sample.newest - 24 * hour), ["success", "error"])
  console.log("\n## Summary (warm: each query ran once before its EXPLAIN ANALYZE)")
  for (const line of summary) console.log(line)
})

Effect.runPromise(Effect.scoped(main)).then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
