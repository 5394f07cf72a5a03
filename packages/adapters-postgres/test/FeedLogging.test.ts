import { createServer } from "node:net"
import { Effect, Layer, Logger, References } from "effect"
import pg from "pg"
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest"
import { PgNotifyFeedLayer, STATUS_CHANNEL } from "../src/PgNotifyFeed.ts"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import type { SqlClient } from "../src/SqlClient.ts"
import { createTestDatabase, dropTestDatabase } from "../testing/PostgresTestServer.ts"

interface Line {
  readonly level: string
  readonly text: string
}

/** The feed's layer built with a capturing logger (what the API and consumer provide: their JSON logger). */
const withFeed = <A>(config: PostgresConfig, body: (lines: Array<Line>) => Promise<A>) => {
  const lines: Array<Line> = []
  const capture = Logger.make((o) => {
    lines.push({ level: o.logLevel, text: (o.message as ReadonlyArray<unknown>).map(String).join(" ") })
  })
  // The feed's publish is not used here: no query client needed.
  const feed = PgNotifyFeedLayer(undefined as unknown as SqlClient["Service"], config).pipe(
    Layer.provide(Logger.layer([capture])),
    Layer.provide(Layer.succeed(References.MinimumLogLevel, "Debug")),
  )
  return Effect.runPromise(
    Effect.scoped(Effect.flatMap(Layer.build(feed), () => Effect.promise(() => body(lines)))),
  )
}

const until = async (what: string, done: () => boolean | Promise<boolean>) => {
  for (let i = 0; i < 600; i++) {
    if (await done()) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  throw new Error(`gave up waiting for ${what}`)
}

/** A TCP port nothing listens on: every connection attempt is refused at once. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer()
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })

describe("status feed logging during a database outage", () => {
  const url = inject("databaseUrl")
  let config: PostgresConfig
  beforeAll(async () => {
    config = await createTestDatabase(url, "feedlog")
  })
  afterAll(() => dropTestDatabase(url, config))

  it("a lost connection is one warning through the provided logger, then the reconnect, never the default logger", async () => {
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    const listener = async () =>
      (
        await admin.query<{ pid: number }>(
          "select pid from pg_stat_activity where datname = $1 and query = $2",
          [config.database, `listen ${STATUS_CHANNEL}`],
        )
      ).rows[0]?.pid
    try {
      await withFeed(config, async (lines) => {
        await until("the feed to listen", async () => (await listener()) !== undefined)
        await admin.query("select pg_terminate_backend($1)", [await listener()])
        await until("the reconnect", () => lines.some((l) => l.text.startsWith("status feed reconnected")))
        expect(lines.filter((l) => l.level === "Warn").map((l) => l.text)).toEqual([
          expect.stringMatching(/^status feed connection lost, reconnecting: /),
        ])
        await until("the feed to listen again", async () => (await listener()) !== undefined)
      })
    } finally {
      await admin.end()
    }
  })

  it("while the database stays down, failed attempts back off and are debug lines, not a warning a second", async () => {
    const down = { ...config, port: await closedPort() }
    await withFeed(down, async (lines) => {
      await until("two failed reconnect attempts", () => lines.filter((l) => l.level === "Debug").length >= 2)
      expect(lines.filter((l) => l.level === "Warn")).toHaveLength(1)
      expect(lines.filter((l) => l.level === "Debug").map((l) => l.text)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^status feed reconnect attempt 1 failed: /)]),
      )
    })
  })
})
