import { mkdirSync } from "node:fs"
import { fileURLToPath } from "node:url"
import type {} from "@pt/adapters-kafka/testing/globalSetup"
import { testKafka } from "@pt/adapters-kafka/testing/KafkaTestKit"
import type {} from "@pt/adapters-postgres/testing/globalSetup"
import { testDay } from "@pt/domain/testing/TestDates"
import { afterAll, inject } from "vitest"

/** Where the e2e tests write their processes' logs (kept as CI artifacts); made on import, whichever test runs first. */
export const LOGS = fileURLToPath(new URL("../../../test-artifacts/e2e/", import.meta.url))
mkdirSync(LOGS, { recursive: true })

/** The broker and the PostgreSQL of this run (the globalSetups of vitest.config.ts), and a client of the broker. */
export const brokers = inject("kafkaBootstrapServers")
export const databaseUrl = inject("databaseUrl")
export const kafka = testKafka(brokers)

/**
 * A test file's cleanups, run in reverse order after all its tests, each failure ignored so the rest still run:
 * `const cleanup = cleanups()` then `cleanup(api.stop)`.
 */
export const cleanups = () => {
  const pending: Array<() => Promise<unknown>> = []
  afterAll(async () => {
    for (const run of pending.reverse()) await run().catch(() => undefined)
  })
  return (...runs: ReadonlyArray<() => Promise<unknown>>) => {
    pending.push(...runs)
  }
}

/** A request id made of a number (32 hex digits). */
export const hexId = (n: number) => n.toString(16).padStart(32, "0")

/** A status message body on the test day (the UTC day before now), at a time of day like "09:00:00". */
export const statusAt = (requestId: string, service: string, status: string, time: string) => ({
  request_id: requestId,
  service,
  status,
  date: `${testDay()}T${time}Z`,
})
