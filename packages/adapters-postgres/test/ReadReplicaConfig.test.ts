import { AppConfigProviderLayer } from "@pt/runtime/AppConfigProvider"
import { Effect, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { DEFAULT_READ_MAX_LAG_MS, loadPostgresConfig } from "../src/PostgresConfig.ts"
import { fallbackReason, replicaConfig } from "../src/ReadReplica.ts"

// Through the provider every app installs, as PostgresConfig.test.ts does.
const load = (env: Record<string, string>) =>
  Effect.runPromise(Effect.provide(loadPostgresConfig(), AppConfigProviderLayer(env)))
const address = (c: ReturnType<typeof replicaConfig>) =>
  c && [c.host, c.port, c.user, Redacted.value(c.password), c.database, c.sslMode]

describe("read replica configuration", () => {
  it("none without DATABASE_READ_URL or DB_READ_HOST: every read on the primary", async () => {
    const c = await load({ DATABASE_URL: "postgres://u:p@primary:5432/tracker", DB_READ_PORT: "6000" })
    expect([c.readReplica, replicaConfig(c)]).toEqual([undefined, undefined])
  })

  it("DATABASE_READ_URL is complete, as DATABASE_URL; DB_READ_MAX_LAG_MS defaults to 30 s", async () => {
    const c = await load({
      DATABASE_URL: "postgres://u:p@primary:5432/tracker",
      DATABASE_READ_URL: "postgres://r:q@standby:5433/tracker_ro?sslmode=require",
      DB_READ_HOST: "ignored",
    })
    expect(address(replicaConfig(c))).toEqual(["standby", 5433, "r", "q", "tracker_ro", "require"])
    expect(c.readReplica?.maxLagMs).toBe(DEFAULT_READ_MAX_LAG_MS)
    // The primary's own address is untouched.
    expect([c.host, c.port]).toEqual(["primary", 5432])
  })

  it("DB_READ_HOST takes the primary's port, user, password, database and TLS unless DB_READ_* say otherwise", async () => {
    const base = { DB_HOST: "primary", DB_PORT: "5432", DB_USER: "pt", DB_PASSWORD: "s", DB_NAME: "tracker" }
    const inherited = await load({
      ...base,
      DB_SSLMODE: "require",
      DB_READ_HOST: "standby",
      DB_READ_MAX_LAG_MS: "0",
    })
    expect(address(replicaConfig(inherited))).toEqual(["standby", 5432, "pt", "s", "tracker", "require"])
    expect(inherited.readReplica?.maxLagMs).toBe(0)
    const own = await load({
      ...base,
      DB_READ_HOST: "standby",
      DB_READ_PORT: "6432",
      DB_READ_USER: "ro",
      DB_READ_PASSWORD: "t",
    })
    expect(address(replicaConfig(own))).toEqual(["standby", 6432, "ro", "t", "tracker", "disable"])
  })

  it("a negative DB_READ_MAX_LAG_MS stops the start, naming the setting", async () => {
    const exit = await Effect.runPromiseExit(
      Effect.provide(
        loadPostgresConfig(),
        AppConfigProviderLayer({ DB_READ_HOST: "standby", DB_READ_MAX_LAG_MS: "-1" }),
      ),
    )
    expect(JSON.stringify(exit)).toContain("DB_READ_MAX_LAG_MS must be >= 0, got -1")
  })
})

describe("which failed replica reads run again on the primary", () => {
  it("a replica gone or cancelling for replay: yes; a timeout, a full pool or a bad query: no", () => {
    const pgError = (code: string, message: string) => Object.assign(new Error(message), { code })
    expect(
      [
        Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5433"), { code: "ECONNREFUSED" }),
        new Error("Connection terminated unexpectedly"),
        new Error("Connection terminated due to connection timeout"),
        pgError("57P01", "terminating connection due to administrator command"),
        pgError("57P03", "the database system is starting up"),
        pgError("08006", "connection failure"),
        pgError("40001", "canceling statement due to conflict with recovery"),
        pgError("57014", "canceling statement due to statement timeout"),
        new Error("timeout exceeded when trying to connect"),
        pgError("42P01", 'relation "payloads" does not exist'),
      ].map(fallbackReason),
    ).toEqual([
      "unreachable",
      "unreachable",
      "unreachable",
      "unreachable",
      "unreachable",
      "unreachable",
      "conflict",
      undefined,
      undefined,
      undefined,
    ])
  })
})
