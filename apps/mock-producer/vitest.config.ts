import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    projects: [
      // Pure simulation, CLI and the stand-ins (in-process HTTP): no servers.
      { test: { name: "unit", include: ["test/*.test.ts"] } },
      {
        // The Kafka output against a real broker (KAFKA_BOOTSTRAP_SERVERS, else scripts/kafka.sh once per run).
        test: {
          name: "kafka",
          include: ["test/kafka/*.test.ts"],
          globalSetup: ["../../packages/adapters-kafka/testing/globalSetup.ts"],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
})
