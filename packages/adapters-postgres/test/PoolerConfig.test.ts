import { AppConfigProviderLayer } from "@pt/runtime/AppConfigProvider"
import { Effect, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { directConfig, loadPostgresConfig } from "../src/PostgresConfig.ts"

const load = (env: Record<string, string>) =>
  Effect.runPromise(Effect.provide(loadPostgresConfig(), AppConfigProviderLayer(env)))

describe("PostgreSQL behind a pooler: DB_POOLER and DATABASE_DIRECT_URL", () => {
  it("default: no pooler, and the session connections go where the pool goes", async () => {
    const c = await load({ DATABASE_URL: "postgres://u@db:5432/tracker" })
    expect([c.pooler, c.direct]).toEqual(["none", undefined])
    expect(directConfig(c)).toBe(c)
  })

  it("a transaction pooler in DATABASE_URL, PostgreSQL itself in DATABASE_DIRECT_URL", async () => {
    const c = await load({
      DATABASE_URL: "postgres://u:p@pgbouncer:6432/tracker",
      DATABASE_DIRECT_URL: "postgres://u:q%40r@primary:5433/tracker?sslmode=require",
      DB_POOLER: "transaction",
    })
    expect([c.pooler, c.host, c.port]).toEqual(["transaction", "pgbouncer", 6432])
    const d = directConfig(c)
    expect([d.host, d.port, d.user, Redacted.value(d.password), d.database, d.sslMode]).toEqual([
      "primary",
      5433,
      "u",
      "q@r",
      "tracker",
      "require",
    ])
    // The pool's own settings stay.
    expect([d.poolSize, d.statementTimeoutMs]).toEqual([c.poolSize, c.statementTimeoutMs])
  })

  it("an unknown DB_POOLER fails the start, naming the setting", async () => {
    await expect(load({ DATABASE_URL: "postgres://u@db/tracker", DB_POOLER: "session" })).rejects.toThrow(
      /DB_POOLER/,
    )
  })
})
