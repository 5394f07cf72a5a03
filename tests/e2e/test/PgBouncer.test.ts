import { execFile } from "node:child_process"
import { promisify } from "node:util"
import { eventually, produceRaw } from "@pt/adapters-kafka/testing/KafkaTestKit"
import { consumerKafkaEnv, freshTopics, untilCommitted } from "@pt/adapters-kafka/testing/TestTopics"
import { postgresOrm } from "@pt/adapters-postgres/MikroOrm"
import { STATUS_CHANNEL } from "@pt/adapters-postgres/PgNotifyFeed"
import { pgPool, pgSqlClient } from "@pt/adapters-postgres/PgSqlClient"
import { StatementTimedOut, withTransaction } from "@pt/adapters-postgres/SqlClient"
import {
  configFromUrl,
  createTestDatabase,
  dropTestDatabase,
} from "@pt/adapters-postgres/testing/PostgresTestServer"
import { startConsumer, untilReady } from "@pt/consumer/testing/ConsumerProcess"
import { databaseUrlOf } from "@pt/consumer/testing/StoredStatuses"
import { Effect } from "effect"
import { expect, it } from "vitest"
import { startApi } from "../testing/ApiProcess.ts"
import { brokers, cleanups, databaseUrl, hexId, kafka, LOGS, statusAt } from "../testing/Harness.ts"
import { startPgBouncer } from "../testing/PgBouncer.ts"
import { followSse } from "../testing/SseClient.ts"

const run = promisify(execFile)

const cleanup = cleanups()

/** Rows of one statement run by psql (PgBouncer's admin console speaks only the simple protocol). */
const psql = async (url: string, statement: string) => {
  const { stdout } = await run("psql", [url, "--csv", "-c", statement], { timeout: 10_000 })
  const [header, ...lines] = stdout.trim().split("\n")
  const names = header!.split(",")
  return lines.map((line) => Object.fromEntries(line.split(",").map((v, i) => [names[i], v])))
}

it("API and consumer through PgBouncer in transaction pooling mode: ingest, lists, track, POST /statuses, SSE", async () => {
  const bouncer = await startPgBouncer(databaseUrl)
  cleanup(bouncer.stop)
  const db = await createTestDatabase(databaseUrl, "pgbouncer")
  cleanup(() => dropTestDatabase(databaseUrl, db))
  const direct = databaseUrlOf(db)
  const pooled = bouncer.pooled(direct)
  const settings = { DATABASE_URL: pooled, DATABASE_DIRECT_URL: direct, DB_POOLER: "transaction" }

  // Without a direct address the store refuses to start, and says why.
  const refused = await Effect.runPromise(
    Effect.scoped(postgresOrm({ ...configFromUrl(pooled), pooler: "transaction" })).pipe(Effect.flip),
  )
  expect(refused.message).toContain("DB_POOLER=transaction needs DATABASE_DIRECT_URL")

  const topics = await freshTopics(kafka, "pgbouncer.status", 2, "pgbouncer.group")
  const [consumer, api] = await Promise.all([
    startConsumer(
      {
        ...settings,
        ...consumerKafkaEnv(brokers, topics),
        DB_MIGRATE_ON_START: "true",
        DB_POOL_SIZE: "2",
      },
      `${LOGS}pgbouncer-consumer.log`,
    ),
    startApi({ ...settings, DB_MIGRATE_ON_START: "true", DB_POOL_SIZE: "2" }, `${LOGS}pgbouncer-api.log`),
  ])
  cleanup(
    () => consumer.stop(),
    () => api.stop(),
  )
  await untilReady(consumer)

  // A live view open before the consumer stores anything of its payload.
  const X = hexId(0xd4)
  const Y = hexId(0xe5)
  const sse = await followSse(`${api.url}/api/v1/payloads/${X}/events`)
  cleanup(sse.close)
  const sent = [
    statusAt(X, "ingress", "received", "09:00:00"),
    statusAt(X, "puptoo", "processing", "09:00:01"),
    statusAt(X, "puptoo", "success", "09:00:03"),
  ]
  await produceRaw(
    kafka,
    topics.topic,
    sent.map((s) => JSON.stringify(s)),
  )
  await untilCommitted(kafka, topics, sent.length, 60_000)
  await eventually(
    () => "the SSE client saw the consumer's three statuses",
    () => sse.events.filter((e) => e.event === "status").length === 3,
    10_000,
  )

  // The API's own write path (HTTP ingest), its lists and track, all through the pooler.
  const posted = await fetch(`${api.url}/api/v1/statuses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([statusAt(Y, "ingress", "received", "12:00:00")]),
  })
  expect(posted.status).toBe(202)
  const track = (await (await fetch(`${api.url}/api/v1/payloads/${X}`)).json()) as {
    data: Array<{ status: string }>
  }
  expect(track.data.map((s) => s.status).sort()).toEqual(["processing", "received", "success"])
  const list = (await (await fetch(`${api.url}/api/v1/payloads?sort_by=created_at&sort_dir=asc`)).json()) as {
    count: number
    data: Array<{ request_id: string }>
  }
  expect([list.count, list.data.map((p) => p.request_id)]).toEqual([2, [X, Y]])
  const statuses = (await (await fetch(`${api.url}/api/v1/statuses?service=ingress`)).json()) as {
    count: number
  }
  expect(statuses.count).toBe(2)

  // Their statements did go through PgBouncer, and the LISTENs straight to PostgreSQL.
  const admin = new URL(bouncer.url)
  admin.pathname = "/pgbouncer"
  const ours = (await psql(admin.toString(), "show stats")).find((row) => row.database === db.database)
  expect(Number(ours?.total_xact_count ?? 0)).toBeGreaterThan(10)
  const listeners = await psql(
    direct,
    `select count(*) as n from pg_stat_activity where datname = '${db.database}' and query = 'listen ${STATUS_CHANNEL}'`,
  )
  expect(listeners).toEqual([{ n: "2" }])

  // The pool's session settings hold per transaction; named prepared statements are not sent, so concurrent
  // executions on whatever server connection PgBouncer picks all succeed.
  const config = {
    ...configFromUrl(pooled, db.database),
    pooler: "transaction" as const,
    statementTimeoutMs: 300,
  }
  const pool = pgPool(config, { max: 6, onError: () => undefined })
  cleanup(() => pool.end())
  const sql = pgSqlClient(pool, config)
  const settingsSeen = await Effect.runPromise(
    sql.query<{ jit: string; timeout: string }>(
      "select current_setting('jit') as jit, current_setting('statement_timeout') as timeout",
    ),
  )
  expect(settingsSeen.rows).toEqual([{ jit: "off", timeout: "300ms" }])
  const inWrite = await Effect.runPromise(
    withTransaction(
      sql,
      (tx) => tx.query<{ timeout: string }>("select current_setting('statement_timeout') as timeout"),
      {
        statementTimeout: { ms: 60_000, setting: "DB_WRITE_STATEMENT_TIMEOUT_MS" },
      },
    ),
  )
  expect(inWrite.rows).toEqual([{ timeout: "1min" }])
  const prepared = await Effect.runPromise(
    Effect.forEach(
      Array.from({ length: 60 }, (_, i) => i),
      (i) => sql.query<{ n: number }>("select $1::int + 1 as n", [i], { prepare: "pt_pgbouncer_probe" }),
      { concurrency: 6 },
    ),
  )
  expect(prepared.map((r) => r.rows[0]?.n)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1))
  const slow = await Effect.runPromise(Effect.flip(sql.query("select pg_sleep(2)")))
  expect(slow.cause).toBeInstanceOf(StatementTimedOut)
}, 90_000)

it("scripts/pgbouncer.sh passes a percent-encoded user and password in DATABASE_URL on decoded", async () => {
  // URL-reserved characters, a quote, a space and a backslash: each needs decoding or quoting in PgBouncer's
  // connection string. The test cluster trusts 127.0.0.1, so the role must exist under its decoded name and the
  // password must survive PgBouncer's config parser (a space or quote left unquoted is a syntax error there).
  const role = `pooled@pt_${process.pid}`
  const password = "p@ss:w/o'rd \\ 100%"
  await psql(databaseUrl, `create role "${role}" login password '${password.replaceAll("'", "''")}'`)
  cleanup(() => psql(databaseUrl, `drop role if exists "${role}"`))
  const upstream = new URL(databaseUrl)
  upstream.username = encodeURIComponent(role)
  upstream.password = encodeURIComponent(password)
  const bouncer = await startPgBouncer(upstream.toString())
  cleanup(bouncer.stop)
  expect(await psql(bouncer.url, "select current_user as who")).toEqual([{ who: role }])
}, 60_000)
