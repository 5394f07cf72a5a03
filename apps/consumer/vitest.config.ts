import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    projects: [
      {
        // Quick: the consumer process against the run's broker and PostgreSQL (started once per run).
        test: {
          name: "consumer",
          include: ["test/*.test.ts"],
          globalSetup: [
            "../../packages/adapters-kafka/testing/globalSetup.ts",
            "../../packages/adapters-postgres/testing/globalSetup.ts",
          ],
          testTimeout: 120_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Several consumer processes in one group on the run's broker and PostgreSQL (rebalance on kill and join).
        test: {
          name: "scale",
          include: ["test/scale/*.test.ts"],
          globalSetup: [
            "../../packages/adapters-kafka/testing/globalSetup.ts",
            "../../packages/adapters-postgres/testing/globalSetup.ts",
          ],
          testTimeout: 180_000,
          hookTimeout: 180_000,
        },
      },
      {
        // Long fault tests (kill, database outage, broker restart) with a broker and a cluster of their own.
        test: {
          name: "faults",
          include: ["test/faults/*.test.ts"],
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
    fileParallelism: false,
  },
})
