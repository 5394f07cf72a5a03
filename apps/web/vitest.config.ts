import { defineConfig } from "vitest/config"

// Unit tests only; the browser tests live in e2e/ and run through vitest.e2e.config.ts (`test:e2e`).
export default defineConfig({
  test: { include: ["test/**/*.test.ts"], environment: "node" },
})
