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
    // A poll waits for the page to settle; on a loaded 2-core machine one Playwright round trip can take most
    // of vitest's default 1 s, so the bound is generous (it is a wait, not a speed assertion).
    expect: { poll: { timeout: 10_000 } },
  },
})
