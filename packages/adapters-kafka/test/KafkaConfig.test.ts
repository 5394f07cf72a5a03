import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, expect, it } from "@effect/vitest"
import { AppConfigProviderLayer } from "@pt/runtime/AppConfigProvider"
import { Effect, Layer, Option, Redacted } from "effect"
import { KafkaConfig, KafkaConfigLayer } from "../src/KafkaConfig.ts"

// Through the provider every app installs, so the Clowder cases hold for the processes as deployed.
const read = (env: Record<string, string>) =>
  Effect.provide(KafkaConfig, KafkaConfigLayer.pipe(Layer.provide(AppConfigProviderLayer(env))))

const clowderFile = (doc: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), "pt-acg-")), "cdappconfig.json")
  writeFileSync(path, JSON.stringify(doc))
  return path
}

describe("Kafka settings", () => {
  it.effect("has the documented defaults", () =>
    Effect.gen(function* () {
      const s = yield* read({})
      expect(s).toMatchObject({
        brokers: ["localhost:9092"],
        groupId: "payload_tracker",
        topic: "platform.payload-status",
        dlqTopic: "platform.payload-status.dlq",
        ssl: false,
        maxBytesPerPartition: 1_048_576,
        partitionsConsumedConcurrently: 2,
      })
      expect(Option.isNone(s.sasl)).toBe(true)
    }),
  )

  it.effect("reads brokers, topics and SASL/SSL from the environment", () =>
    Effect.gen(function* () {
      const s = yield* read({
        KAFKA_BOOTSTRAP_SERVERS: "a:9092, b:9093",
        KAFKA_GROUP_ID: "g",
        KAFKA_TOPIC: "t",
        KAFKA_DLQ_TOPIC: "t.dlq",
        KAFKA_SECURITY_PROTOCOL: "SASL_SSL",
        KAFKA_SASL_MECHANISM: "PLAIN",
        KAFKA_SASL_USERNAME: "u",
        KAFKA_SASL_PASSWORD: "p",
      })
      expect(s).toMatchObject({
        brokers: ["a:9092", "b:9093"],
        groupId: "g",
        topic: "t",
        dlqTopic: "t.dlq",
        ssl: true,
      })
      const sasl = Option.getOrThrow(s.sasl)
      expect([sasl.mechanism, sasl.username, Redacted.value(sasl.password)]).toEqual(["plain", "u", "p"])
    }),
  )

  it.effect("trusts a CA given as PEM text (KAFKA_SSL_CA) before one given as a file", () =>
    Effect.gen(function* () {
      const caFile = join(mkdtempSync(join(tmpdir(), "pt-ca-")), "ca.pem")
      writeFileSync(caFile, "FROM FILE")
      const base = { KAFKA_SECURITY_PROTOCOL: "SSL", KAFKA_SSL_CA_FILE: caFile }
      expect((yield* read(base)).ssl).toEqual({ ca: ["FROM FILE"] })
      expect((yield* read({ ...base, KAFKA_SSL_CA: "FROM TEXT" })).ssl).toEqual({ ca: ["FROM TEXT"] })
      expect((yield* read({ KAFKA_SSL_CA: "FROM TEXT" })).ssl).toBe(false)
    }),
  )

  it.effect("takes brokers, security and actual topic names from Clowder when ACG_CONFIG is set", () =>
    Effect.gen(function* () {
      const ACG_CONFIG = clowderFile({
        metricsPort: 9000,
        kafka: {
          brokers: [
            {
              hostname: "broker.example",
              port: 9096,
              authtype: "sasl",
              cacert: "-----BEGIN CERTIFICATE-----",
              sasl: {
                username: "svc",
                password: "secret",
                saslMechanism: "SCRAM-SHA-512",
                securityProtocol: "SASL_SSL",
              },
            },
          ],
          topics: [
            { requestedName: "platform.payload-status", name: "platform.payload-status-env1" },
            { requestedName: "platform.payload-status.dlq", name: "platform.payload-status.dlq-env1" },
          ],
        },
      })
      const s = yield* read({ ACG_CONFIG, KAFKA_BOOTSTRAP_SERVERS: "ignored:1", KAFKA_GROUP_ID: "kept" })
      expect(s).toMatchObject({
        brokers: ["broker.example:9096"],
        topic: "platform.payload-status-env1",
        dlqTopic: "platform.payload-status.dlq-env1",
        groupId: "kept",
        ssl: { ca: ["-----BEGIN CERTIFICATE-----"] },
      })
      const sasl = Option.getOrThrow(s.sasl)
      expect([sasl.mechanism, sasl.username, Redacted.value(sasl.password)]).toEqual([
        "scram-sha-512",
        "svc",
        "secret",
      ])
    }),
  )

  it.effect("falls back to the environment when the Clowder file has no kafka section", () =>
    Effect.gen(function* () {
      const s = yield* read({
        ACG_CONFIG: clowderFile({ metricsPort: 9000 }),
        KAFKA_BOOTSTRAP_SERVERS: "env:9092",
      })
      expect(s.brokers).toEqual(["env:9092"])
    }),
  )
})
