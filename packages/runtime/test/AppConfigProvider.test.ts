import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Config, Effect, Option } from "effect"
import { describe, expect, it } from "vitest"
import { appConfigProvider } from "../src/AppConfigProvider.ts"
import { clowderSettings } from "../src/ClowderConfig.ts"
import { logLevel } from "../src/Logging.ts"
import { storeKind } from "../src/StoreSelection.ts"

const clowderFile = (doc: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), "pt-acg-")), "cdappconfig.json")
  writeFileSync(path, typeof doc === "string" ? doc : JSON.stringify(doc))
  return path
}

const read = <A>(config: Config.Config<A>, env: Record<string, string>) =>
  Effect.runPromise(Effect.flatMap(appConfigProvider(env), (provider) => config.parse(provider)))

const names = (env: Record<string, string>, keys: ReadonlyArray<string>) =>
  read(Config.all(keys.map((k) => Config.option(Config.String(k)))), env).then((values) =>
    Object.fromEntries(keys.map((k, i) => [k, Option.getOrUndefined(values[i] ?? Option.none())])),
  )

const clowder = {
  publicPort: 8000,
  metricsPort: 9001,
  database: { hostname: "db", port: 5432, username: "u", password: "p", name: "pt", sslMode: "require" },
  kafka: {
    brokers: [
      {
        hostname: "k1",
        port: 9096,
        authtype: "sasl",
        cacert: "-----BEGIN CERTIFICATE-----",
        sasl: { username: "svc", password: "secret", saslMechanism: "PLAIN", securityProtocol: "SASL_SSL" },
      },
      { hostname: "k2" },
    ],
    topics: [{ requestedName: "platform.payload-status", name: "platform.payload-status-env1" }],
  },
}

describe("the Clowder configuration provider", () => {
  it("maps Clowder's sections onto the plain setting names", () => {
    expect(clowderSettings(clowder, {})).toEqual({
      defaults: { PUBLICPORT: "8000", METRICSPORT: "9001" },
      overrides: {
        DB_HOST: "db",
        DB_PORT: "5432",
        DB_USER: "u",
        DB_PASSWORD: "p",
        DB_NAME: "pt",
        DB_SSLMODE: "require",
        KAFKA_BOOTSTRAP_SERVERS: "k1:9096,k2:9092",
        KAFKA_TOPIC: "platform.payload-status-env1",
        KAFKA_DLQ_TOPIC: "platform.payload-status.dlq",
        KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
        KAFKA_SSL_CA: "-----BEGIN CERTIFICATE-----",
        KAFKA_SSL_CA_FILE: "",
        KAFKA_SASL_MECHANISM: "PLAIN",
        KAFKA_SASL_USERNAME: "svc",
        KAFKA_SASL_PASSWORD: "secret",
      },
    })
  })

  it("ports: an explicit environment variable wins; connection sections: Clowder wins, DATABASE_URL stays", async () => {
    const ACG_CONFIG = clowderFile(clowder)
    const got = await names(
      {
        ACG_CONFIG,
        METRICSPORT: "7000",
        DB_HOST: "stray",
        KAFKA_BOOTSTRAP_SERVERS: "stray:1",
        KAFKA_SSL_CA_FILE: "/stray.pem",
        DATABASE_URL: "postgres://x@y/z",
        KAFKA_GROUP_ID: "kept",
      },
      [
        "PUBLICPORT",
        "METRICSPORT",
        "DB_HOST",
        "KAFKA_BOOTSTRAP_SERVERS",
        "KAFKA_SSL_CA_FILE",
        "DATABASE_URL",
        "KAFKA_GROUP_ID",
      ],
    )
    expect(got).toEqual({
      PUBLICPORT: "8000",
      METRICSPORT: "7000",
      DB_HOST: "db",
      KAFKA_BOOTSTRAP_SERVERS: "k1:9096,k2:9092",
      KAFKA_SSL_CA_FILE: "",
      DATABASE_URL: "postgres://x@y/z",
      KAFKA_GROUP_ID: "kept",
    })
  })

  it("maps a topic named in the environment through Clowder's topics", async () => {
    const doc = { kafka: { ...clowder.kafka, topics: [{ requestedName: "mine", name: "mine-env1" }] } }
    expect(await names({ ACG_CONFIG: clowderFile(doc), KAFKA_TOPIC: "mine" }, ["KAFKA_TOPIC"])).toEqual({
      KAFKA_TOPIC: "mine-env1",
    })
  })

  it("leaves the Kafka settings to the environment when Clowder has no broker", async () => {
    const got = await names({ ACG_CONFIG: clowderFile({ kafka: { brokers: [] } }), KAFKA_TOPIC: "t" }, [
      "KAFKA_BOOTSTRAP_SERVERS",
      "KAFKA_TOPIC",
    ])
    expect(got).toEqual({ KAFKA_BOOTSTRAP_SERVERS: undefined, KAFKA_TOPIC: "t" })
  })

  it("fails startup on a file it cannot read or that is not Clowder's shape, naming the file", async () => {
    const missing = join(clowderFile({}), "missing")
    await expect(appConfigProvider({ ACG_CONFIG: missing }).pipe(Effect.runPromise)).rejects.toThrow(
      `cannot read the Clowder config file ACG_CONFIG=${missing}`,
    )
    await expect(
      appConfigProvider({ ACG_CONFIG: clowderFile("{not json") }).pipe(Effect.runPromise),
    ).rejects.toThrow(/cannot read the Clowder config file/)
    await expect(
      appConfigProvider({ ACG_CONFIG: clowderFile({ publicPort: "eighty" }) }).pipe(Effect.runPromise),
    ).rejects.toThrow(/cannot read the Clowder config file.*publicPort/s)
  })
})

describe("shared settings", () => {
  it("LOGLEVEL: the Go names and Effect's, case-insensitive; anything else fails naming the values", async () => {
    expect(await read(logLevel, {})).toBe("Info")
    expect(await read(logLevel, { LOGLEVEL: "warning" })).toBe("Warn")
    expect(await read(logLevel, { LOGLEVEL: "CRITICAL" })).toBe("Fatal")
    expect(await read(logLevel, { LOGLEVEL: "debug" })).toBe("Debug")
    await expect(read(logLevel, { LOGLEVEL: "loud" })).rejects.toThrow(
      "LOGLEVEL must be one of All, Fatal, Error, Warn, Info, Debug, Trace, None, got loud",
    )
  })

  it("store: PostgreSQL when DATABASE_URL, any DB_* part or a Clowder database section is set", async () => {
    expect(await read(storeKind, {})).toBe("memory")
    expect(await read(storeKind, { DATABASE_URL: "postgres://x@y/z" })).toBe("postgres")
    for (const name of ["DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD", "DB_NAME"]) {
      expect(await read(storeKind, { [name]: "x" })).toBe("postgres")
    }
    expect(await read(storeKind, { DB_POOL_SIZE: "5" })).toBe("memory")
    expect(await read(storeKind, { ACG_CONFIG: clowderFile({ database: clowder.database }) })).toBe(
      "postgres",
    )
    expect(await read(storeKind, { ACG_CONFIG: clowderFile({ metricsPort: 9000 }) })).toBe("memory")
  })
})
