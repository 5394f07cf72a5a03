import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    globalSetup: ["./testing/globalSetup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
