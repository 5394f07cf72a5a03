import { defineConfig } from "vitest/config"

// Browser tests: the real API (memory store) serving dist/, driven in headless Debian Chromium.
// Run through `pnpm --filter @pt/web test:e2e`, which builds first.
export default defineConfig({
  test: {
    include: ["e2e/**/*.e2e.ts"],
    environment: "node",
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
