import { execFile } from "node:child_process"
import { chmodSync, mkdtempSync, rmSync } from "node:fs"
import { readFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"
import { PostgresStoreLayer } from "@pt/adapters-postgres/PostgresStore"
import { READ_APPLICATION_NAME } from "@pt/adapters-postgres/ReadReplica"
import { testDay } from "@pt/domain/testing/TestDates"
import { ConfigProvider, Layer } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { withReadMetrics } from "../src/Store.ts"
import { get, post, type RunningApi, startApi } from "../testing/TestServer.ts"

/**
 * The API with DATABASE_READ_URL on a real hot standby: its own primary (scripts/postgres.sh) and a standby of it
 * (scripts/postgres-replica.sh: pg_basebackup -R), so replay can be paused and the standby stopped without
 * touching the server the other tests share. The API runs the PostgreSQL store as StoreLayer builds it
 * (PostgresStoreLayer with the read metrics, reading DATABASE_URL, DATABASE_READ_URL, DB_READ_MAX_LAG_MS from a
 * ConfigProvider). Writes go through its HTTP ingest.
 */
const scripts = fileURLToPath(new URL("../../../scripts/", import.meta.url))
const run = promisify(execFile)

const DAY = testDay()
const hex = (n: number) => n.toString(16).padStart(32, "0")
const FIRST = hex(0x5ea1_0001)
const HELD_BACK = hex(0x5ea1_0002)
const status = (request_id: string, minute: number) => ({
  request_id,
  service: "ingress",
  status: "received",
  date: `${DAY}T10:${String(minute).padStart(2, "0")}:00Z`,
})

const eventually = async <A>(what: string, probe: () => Promise<A | undefined>, withinMs = 15_000) => {
  const deadline = Date.now() + withinMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** One psql query (its own short-lived connection, never counted as the API's): rows of `|`-separated values. */
const sql = async (url: string, text: string): Promise<Array<string>> =>
  (await run("psql", [url, "-XtAc", text])).stdout.trim().split("\n")

/** The value of one sample of the Prometheus text, or undefined when absent. */
const sample = async (api: RunningApi, line: string): Promise<number | undefined> => {
  const text = await (await fetch(api.metricsUrl)).text()
  const found = text.split("\n").find((l) => l.startsWith(`${line} `))
  return found === undefined ? undefined : Number(found.slice(line.length + 1))
}

describe("reads on a read replica (DATABASE_READ_URL)", () => {
  const dir = mkdtempSync(join(tmpdir(), "pt-read-replica-"))
  // The clusters' owner is an unprivileged user (postgres refuses root): it must reach them.
  chmodSync(dir, 0o755)
  const env = {
    ...process.env,
    PT_PG_DIR: join(dir, "primary"),
    PT_PG_REPLICA_DIR: join(dir, "replica"),
    PT_PG_PORT: "",
    PT_PG_REPLICA_PORT: "",
  }
  const script = async (name: string, ...args: Array<string>) =>
    (await run("bash", [join(scripts, name), ...args], { env })).stdout
  let primaryUrl: string
  let replicaUrl: string
  // Reads on the replica however far it lags; and reads on the primary beyond 1 s of lag.
  let unbounded: RunningApi
  let bounded: RunningApi

  // The production composition (StoreLayer's PostgreSQL branch) over the settings as the environment gives them.
  const api = (maxLagMs: number, migrate: boolean) =>
    startApi({
      store: Layer.orDie(
        withReadMetrics(PostgresStoreLayer).pipe(
          Layer.provide(
            ConfigProvider.layer(
              ConfigProvider.fromEnvRecord({
                DATABASE_URL: primaryUrl,
                DATABASE_READ_URL: replicaUrl,
                DB_READ_MAX_LAG_MS: String(maxLagMs),
                DB_MIGRATE_ON_START: String(migrate),
                // A standby that stops answering counts as unreachable after these two plus 1 s: 5 s.
                DB_POOL_ACQUIRE_TIMEOUT_MS: "2000",
                DB_STATEMENT_TIMEOUT_MS: "2000",
              }),
            ),
          ),
        ),
      ),
    })

  beforeAll(async () => {
    primaryUrl = /^DATABASE_URL=(.+)$/m.exec(await script("postgres.sh", "start"))?.[1] ?? ""
    replicaUrl = /^DATABASE_READ_URL=(.+)$/m.exec(await script("postgres-replica.sh", "start"))?.[1] ?? ""
    expect([primaryUrl, replicaUrl].every((u) => u.startsWith("postgres://"))).toBe(true)
    unbounded = await api(0, true)
    bounded = await api(1_000, false)
  }, 60_000)

  afterAll(async () => {
    await Promise.allSettled([unbounded?.close(), bounded?.close()])
    await Promise.allSettled([
      script("postgres-replica.sh", "stop", "--wipe"),
      script("postgres.sh", "stop", "--wipe"),
    ])
    rmSync(dir, { recursive: true, force: true })
  }, 60_000)

  const unreachable = 'payload_tracker_db_reads{target="primary",reason="unreachable"}'
  /** The `count` of GET /statuses: every status stored, as the database the API read it from has them. */
  const statuses = async (on: RunningApi) => {
    const r = await get(on.url, "/api/v1/statuses")
    expect(r.status, r.text).toBe(200)
    return (r.body as { count: number }).count
  }

  it("answers the lists from the standby: its connections are there, none on the primary", async () => {
    expect(await sql(replicaUrl, "select pg_is_in_recovery()")).toEqual(["t"])
    const posted = await post(unbounded.url, "/api/v1/statuses", JSON.stringify(status(FIRST, 0)))
    expect([posted.status, posted.body]).toEqual([202, { accepted: 1, rejected: [] }])
    // Streaming replication is asynchronous: replayed within milliseconds, not at the commit.
    await eventually("the status replayed and listed", async () =>
      (await statuses(unbounded)) === 1 ? true : undefined,
    )
    const listed = await get(unbounded.url, "/api/v1/payloads")
    expect(listed.body).toMatchObject({ count: 1, data: [{ request_id: FIRST }] })
    const apps = `select count(*) from pg_stat_activity where application_name = '${READ_APPLICATION_NAME}'`
    expect(Number(await sql(replicaUrl, apps))).toBeGreaterThan(0)
    expect(await sql(primaryUrl, apps)).toEqual(["0"])
    expect(await sample(unbounded, 'payload_tracker_db_reads{target="replica",reason=""}')).toBeGreaterThan(0)
    expect(await sample(unbounded, "payload_tracker_db_read_replica_up")).toBe(1)
  }, 30_000)

  it("with replay paused: unbounded lists miss what the primary has; DB_READ_MAX_LAG_MS sends them to the primary", async () => {
    await sql(replicaUrl, "select pg_wal_replay_pause()")
    expect((await post(unbounded.url, "/api/v1/statuses", JSON.stringify(status(HELD_BACK, 1)))).status).toBe(
      202,
    )
    // Committed on the primary (the ingest answered after its commit), not on the held-back standby.
    const held = `select count(*) from payloads where request_id = '${HELD_BACK}'`
    expect(await sql(primaryUrl, held)).toEqual(["1"])
    expect(await sql(replicaUrl, held)).toEqual(["0"])
    // Only the standby can answer 1: the primary holds 2 statuses. The unbounded API lists from there.
    expect(await statuses(unbounded)).toBe(1)
    // A payload's track reads the primary (what the live view needs right after the feed's notification).
    expect((await get(unbounded.url, `/api/v1/payloads/${HELD_BACK}`)).status).toBe(200)
    // The bounded API's probe sees the lag pass 1 s and its reads go to the primary, which has both.
    await eventually("the bounded API lists from the primary", async () =>
      (await statuses(bounded)) === 2 ? true : undefined,
    )
    expect(await sample(bounded, 'payload_tracker_db_reads{target="primary",reason="lag"}')).toBeGreaterThan(
      0,
    )
    expect(await sample(bounded, "payload_tracker_db_read_replica_lag_seconds")).toBeGreaterThan(1)
    expect(await statuses(unbounded)).toBe(1)

    await sql(replicaUrl, "select pg_wal_replay_resume()")
    await eventually("the unbounded API lists both once replay resumed", async () =>
      (await statuses(unbounded)) === 2 ? true : undefined,
    )
    // Caught up: the bounded API's reads are back on the standby.
    const onReplica = (await sample(bounded, 'payload_tracker_db_reads{target="replica",reason=""}')) ?? 0
    await eventually("the bounded API reads on the standby again", async () => {
      await statuses(bounded)
      return ((await sample(bounded, 'payload_tracker_db_reads{target="replica",reason=""}')) ?? 0) >
        onReplica
        ? true
        : undefined
    })
  }, 40_000)

  it("with the standby frozen (SIGSTOP): reads stop waiting for it and go to the primary", async () => {
    // The standby's postmaster and its children: the processes of the cluster this test started.
    const postmaster = (await readFile(join(env.PT_PG_REPLICA_DIR, "data", "postmaster.pid"), "utf8")).split(
      "\n",
    )[0]
    const children = (await run("ps", ["-o", "pid=", "--ppid", String(postmaster)])).stdout
      .trim()
      .split(/\s+/)
    const pids = [String(postmaster), ...children].filter((p) => /^\d+$/.test(p))
    const before = (await sample(unbounded, unreachable)) ?? 0
    await run("kill", ["-STOP", ...pids])
    try {
      // The pool's open connections to it get no answer, and no error either: only the API's own bound ends it.
      expect(await statuses(unbounded)).toBe(2)
      expect(await sample(unbounded, unreachable)).toBeGreaterThan(before)
      expect(await sample(unbounded, "payload_tracker_db_read_replica_up")).toBe(0)
    } finally {
      await run("kill", ["-CONT", ...pids])
    }
    await eventually("the probe finds the standby answering again", async () =>
      (await sample(unbounded, "payload_tracker_db_read_replica_up")) === 1 ? true : undefined,
    )
  }, 40_000)

  it("with the standby stopped: reads fall back to the primary and say so; /ready stays OK", async () => {
    const before = (await sample(unbounded, unreachable)) ?? 0
    await script("postgres-replica.sh", "stop")
    expect(await statuses(unbounded)).toBe(2)
    expect((await get(unbounded.url, "/api/v1/payloads")).body).toMatchObject({ count: 2 })
    expect(await sample(unbounded, unreachable)).toBeGreaterThan(before)
    expect(await sample(unbounded, "payload_tracker_db_read_replica_up")).toBe(0)
    expect((await get(unbounded.url, "/ready")).status).toBe(200)
    expect(await statuses(bounded)).toBe(2)
  }, 30_000)
})
