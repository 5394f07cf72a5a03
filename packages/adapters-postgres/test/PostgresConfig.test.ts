import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { AppConfigProviderLayer } from "@pt/runtime/AppConfigProvider"
import { Effect, Redacted } from "effect"
import { describe, expect, it } from "vitest"
import { loadPostgresConfig } from "../src/PostgresConfig.ts"

// Through the provider every app installs, so the Clowder case holds for the processes as deployed.
const load = (env: Record<string, string>) =>
  Effect.runPromise(Effect.provide(loadPostgresConfig(), AppConfigProviderLayer(env)))

describe("PostgreSQL configuration", () => {
  it("DATABASE_URL wins, with its parts decoded", async () => {
    const c = await load({
      DATABASE_URL: "postgres://u%40x:p%3Aw@db.example:6543/tracker?sslmode=require",
      DB_HOST: "ignored",
    })
    expect([c.host, c.port, c.user, Redacted.value(c.password), c.database, c.sslMode]).toEqual([
      "db.example",
      6543,
      "u@x",
      "p:w",
      "tracker",
      "require",
    ])
  })

  it("Clowder's ACG_CONFIG database section, then DB_* with defaults", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pt-acg-"))
    const file = join(dir, "cdappconfig.json")
    writeFileSync(
      file,
      JSON.stringify({
        database: {
          hostname: "rds",
          port: 5433,
          username: "pt",
          password: "s",
          name: "payload-tracker",
          sslMode: "verify-full",
        },
      }),
    )
    const c = await load({
      ACG_CONFIG: file,
      DB_HOST: "stray",
      DB_POOL_SIZE: "25",
      RETENTION_DAYS: "3",
      DB_MIGRATE_ON_START: "true",
    })
    expect([
      c.host,
      c.port,
      c.user,
      c.database,
      c.sslMode,
      c.poolSize,
      c.retentionDays,
      c.migrateOnStart,
    ]).toEqual(["rds", 5433, "pt", "payload-tracker", "verify-full", 25, 3, true])
    const d = await load({ DB_HOST: "pg", DB_PORT: "5434" })
    expect([d.host, d.port, d.user, d.database, d.poolSize, d.retentionDays, d.migrateOnStart]).toEqual([
      "pg",
      5434,
      "payloadtracker",
      "payloadtracker",
      10,
      7,
      false,
    ])
  })
})
