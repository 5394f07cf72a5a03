import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { appConfigProvider } from "@pt/runtime/AppConfigProvider"
import { clowderSettings } from "@pt/runtime/ClowderConfig"
import { Effect } from "effect"
import { describe, expect, it } from "vitest"
import { settings } from "../src/Config.ts"

const read = (env: Record<string, string>) =>
  Effect.runPromise(Effect.flatMap(appConfigProvider(env), (provider) => settings.parse(provider)))

describe("configuration", () => {
  it("has the documented defaults", async () => {
    const s = await read({})
    expect(s).toMatchObject({
      publicPort: 8080,
      metricsPort: 9000,
      logLevel: "Info",
      logRequests: false,
      requestorImpl: "storage-broker",
      storageBrokerRole: "platform-archive-download",
      storageBrokerTimeoutMs: 35_000,
      kibanaServiceField: "app",
      stalledAfterMs: 3_600_000,
      ingestEnabled: true,
      ingestMaxItems: 10_000,
      ingestMaxBytes: 16 * 1024 * 1024,
      store: "memory",
    })
    expect(s.webDistDir).toMatch(/apps\/web\/dist$/)
  })

  it("reads the Go service's variable names", async () => {
    const s = await read({
      PUBLICPORT: "9090",
      METRICSPORT: "9091",
      LOGLEVEL: "debug",
      REQUESTOR_IMPL: "mock",
      STORAGEBROKERURL: "http://broker/archive/url",
      STORAGEBROKERURLROLE: "other-role",
      STORAGEBROKERREQUESTTIMEOUT: "500",
      KIBANA_URL: "https://k",
      KIBANA_INDEX: "idx",
      KIBANA_SERVICE_FIELD: "service",
      STALLED_AFTER: "90 minutes",
      INGEST_HTTP_ENABLED: "false",
      INGEST_MAX_ITEMS: "5",
      INGEST_MAX_BYTES: "1024",
      WEB_DIST_DIR: "/srv/web",
      DATABASE_URL: "postgres://x@y/z",
    })
    expect(s).toMatchObject({
      publicPort: 9090,
      metricsPort: 9091,
      logLevel: "Debug",
      requestorImpl: "mock",
      storageBrokerUrl: "http://broker/archive/url",
      storageBrokerRole: "other-role",
      storageBrokerTimeoutMs: 500,
      kibanaUrl: "https://k",
      kibanaIndex: "idx",
      kibanaServiceField: "service",
      stalledAfterMs: 5_400_000,
      ingestEnabled: false,
      ingestMaxItems: 5,
      ingestMaxBytes: 1024,
      webDistDir: "/srv/web",
      store: "postgres",
    })
  })

  it("rejects an unknown LOGLEVEL", async () => {
    await expect(read({ LOGLEVEL: "loud" })).rejects.toThrow(/LOGLEVEL must be one of/)
  })

  it("maps a Clowder file onto the same settings, below explicit environment variables", async () => {
    const clowder = {
      publicPort: 8000,
      metricsPort: 9001,
      database: { hostname: "db", port: 5432, username: "u", password: "p", name: "pt", sslMode: "require" },
      kafka: {
        brokers: [
          { hostname: "k1", port: 9092 },
          { hostname: "k2", port: 9092 },
        ],
      },
    }
    const { defaults, overrides } = clowderSettings(clowder, {})
    expect(defaults).toEqual({ PUBLICPORT: "8000", METRICSPORT: "9001" })
    expect(overrides).toMatchObject({
      DB_HOST: "db",
      DB_PORT: "5432",
      DB_USER: "u",
      DB_PASSWORD: "p",
      DB_NAME: "pt",
      DB_SSLMODE: "require",
      KAFKA_BOOTSTRAP_SERVERS: "k1:9092,k2:9092",
    })
    const file = join(mkdtempSync(join(tmpdir(), "pt-acg-")), "cdappconfig.json")
    writeFileSync(file, JSON.stringify(clowder))
    const s = await read({ ACG_CONFIG: file, METRICSPORT: "7000" })
    expect(s).toMatchObject({ publicPort: 8000, metricsPort: 7000, store: "postgres" })
    await expect(read({ ACG_CONFIG: join(file, "missing") })).rejects.toThrow(/Clowder config file/)
  })
})
