import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    // The whole path as a user runs it: mock producer → Kafka → consumer process → PostgreSQL → API process.
    // One broker and one PostgreSQL per run (KAFKA_BOOTSTRAP_SERVERS / DATABASE_URL, else the project scripts);
    // a server that cannot be reached or started fails the run, never skips it.
    include: ["test/*.test.ts"],
    globalSetup: [
      "../../packages/adapters-kafka/testing/globalSetup.ts",
      "../../packages/adapters-postgres/testing/globalSetup.ts",
    ],
    testTimeout: 90_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
})
