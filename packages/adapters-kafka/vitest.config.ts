import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    // Every test here talks to a real broker: one per run (KAFKA_BOOTSTRAP_SERVERS or scripts/kafka.sh).
    globalSetup: ["./testing/globalSetup.ts"],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
})
