import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { KafkaConfig, KafkaConfigLayer } from "@pt/adapters-kafka/KafkaConfig"
import { settings as apiSettings } from "@pt/api/Config"
import { appConfigProvider } from "@pt/runtime/AppConfigProvider"
import { ConfigProvider, Effect } from "effect"
import { describe, expect, it } from "vitest"
import { consumerSettings } from "../src/ConsumerConfig.ts"
import { CONSUMER_NODE_FLAGS, freePort, spawnAppProcess } from "../testing/ConsumerProcess.ts"
import { captureOutput, notJsonLogLines } from "../testing/OutputLines.ts"

// The API and the consumer read the same settings through @pt/runtime; these cases used to differ between them.

const clowderFile = (doc: unknown) => {
  const path = join(mkdtempSync(join(tmpdir(), "pt-acg-")), "cdappconfig.json")
  writeFileSync(path, JSON.stringify(doc))
  return path
}

const both = (env: Record<string, string>) =>
  Effect.runPromise(
    Effect.gen(function* () {
      const provider = yield* appConfigProvider(env)
      const api = yield* apiSettings.parse(provider)
      const consumer = yield* consumerSettings.parse(provider)
      const kafka = yield* Effect.provide(KafkaConfig, KafkaConfigLayer).pipe(
        Effect.provideService(ConfigProvider.ConfigProvider, provider),
      )
      return { api, consumer, kafka }
    }),
  )

const clowder = {
  metricsPort: 9123,
  database: {
    hostname: "rds",
    port: 5433,
    username: "pt",
    password: "s",
    name: "tracker",
    sslMode: "require",
  },
  kafka: {
    brokers: [{ hostname: "broker.example", port: 9096 }],
    topics: [{ requestedName: "platform.payload-status", name: "platform.payload-status-env1" }],
  },
}

describe("one configuration for every app", () => {
  it("the same Clowder file gives the API and the consumer the same answers", async () => {
    const { api, consumer, kafka } = await both({ ACG_CONFIG: clowderFile(clowder) })
    expect([api.metricsPort, consumer.metricsPort]).toEqual([9123, 9123])
    expect([api.store, consumer.store]).toEqual(["postgres", "postgres"])
    expect([kafka.brokers, kafka.topic]).toEqual([["broker.example:9096"], "platform.payload-status-env1"])
    const overridden = await both({ ACG_CONFIG: clowderFile(clowder), METRICSPORT: "9200" })
    expect([overridden.api.metricsPort, overridden.consumer.metricsPort]).toEqual([9200, 9200])
  })

  it("a Clowder file selects PostgreSQL in both exactly when it has a database section", async () => {
    const withDb = await both({ ACG_CONFIG: clowderFile({ database: clowder.database }) })
    expect([withDb.api.store, withDb.consumer.store]).toEqual(["postgres", "postgres"])
    const withoutDb = await both({ ACG_CONFIG: clowderFile({ metricsPort: 9000 }) })
    expect([withoutDb.api.store, withoutDb.consumer.store]).toEqual(["memory", "memory"])
  })

  it("a bad LOGLEVEL stops both at start, exit 1, with the same JSON error line", async () => {
    const entries = [
      fileURLToPath(new URL("../../api/src/main.ts", import.meta.url)),
      fileURLToPath(new URL("../src/main.ts", import.meta.url)),
    ]
    const messages: Array<string> = []
    for (const entry of entries) {
      const { child, exited } = spawnAppProcess([...CONSUMER_NODE_FLAGS, entry], {
        LOGLEVEL: "loud",
        PUBLICPORT: String(await freePort()),
        METRICSPORT: String(await freePort()),
      })
      const output = captureOutput(child)
      expect((await exited).code).toBe(1)
      const lines = output.lines()
      expect(notJsonLogLines(lines)).toEqual([])
      const error = lines.map((l) => JSON.parse(l.line)).find((r) => r.level === "ERROR")
      messages.push(
        String(error?.cause)
          .match(/LOGLEVEL must be one of [^\n{]*/)?.[0]
          ?.trim() ?? String(error?.cause),
      )
    }
    expect(messages).toEqual([
      "LOGLEVEL must be one of All, Fatal, Error, Warn, Info, Debug, Trace, None, got loud",
      "LOGLEVEL must be one of All, Fatal, Error, Warn, Info, Debug, Trace, None, got loud",
    ])
  })
})
