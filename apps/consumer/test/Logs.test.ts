import type {} from "@pt/adapters-kafka/testing/globalSetup"
import { expect, inject, it } from "vitest"
import { freePort, startConsumer } from "../testing/ConsumerProcess.ts"
import { captureOutput, notJsonLogLines } from "../testing/OutputLines.ts"

// The run through a broker restart (every line JSON there too) is in faults/BrokerOutage.test.ts.
it("a consumer that cannot start (database down) says why in a JSON log line and exits non-zero", async () => {
  const closedPort = await freePort()
  const consumer = await startConsumer({
    KAFKA_BOOTSTRAP_SERVERS: inject("kafkaBootstrapServers"),
    DATABASE_URL: `postgres://pt@127.0.0.1:${closedPort}/nowhere`,
    LOGLEVEL: "INFO",
  })
  const output = captureOutput(consumer.child)
  const exit = await consumer.exited
  expect(exit.code).not.toBe(0)
  const lines = output.lines()
  expect(notJsonLogLines(lines)).toEqual([])
  const fatal = lines.map((l) => JSON.parse(l.line)).find((r) => r.level === "ERROR")
  expect(String(fatal?.cause)).toContain("PostgreSQL")
})
