import type { TestProject } from "vitest/node"
import { acquireTestBroker } from "./KafkaBroker.ts"

declare module "vitest" {
  export interface ProvidedContext {
    kafkaBootstrapServers: string
    kafkaInstance: string
  }
}

/**
 * vitest globalSetup: one broker per test run (KAFKA_BOOTSTRAP_SERVERS when given, else scripts/kafka.sh),
 * handed to the tests with `inject("kafkaBootstrapServers")` and in the environment of the workers.
 */
export default async function setup(project: TestProject) {
  const { broker, stop } = await acquireTestBroker()
  process.env.KAFKA_BOOTSTRAP_SERVERS = broker.bootstrapServers
  project.provide("kafkaBootstrapServers", broker.bootstrapServers)
  project.provide("kafkaInstance", broker.instance)
  return stop
}
