import type { TestProject } from "vitest/node"
import { resolveDatabaseUrl } from "./PostgresTestServer.ts"

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string
  }
}

/** Once per test run: find or start PostgreSQL, and hand its URL to every test file. */
export default function setup(project: TestProject): void {
  project.provide("databaseUrl", resolveDatabaseUrl())
}
