import { execFileSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { Effect, Layer, Redacted } from "effect"
import pg from "pg"
import type { PostgresConfig } from "../src/PostgresConfig.ts"
import { postgresStoreLayer } from "../src/PostgresStore.ts"

const script = fileURLToPath(new URL("../../../scripts/postgres.sh", import.meta.url))

/**
 * The server the tests use: DATABASE_URL or DB_HOST/... when given, else a throwaway cluster started by
 * scripts/postgres.sh (which installs PostgreSQL when missing). A server that cannot be started fails the run,
 * in CI and locally alike: these tests are never skipped.
 */
export const resolveDatabaseUrl = (): string => {
  const env = process.env
  if (env.DATABASE_URL) return env.DATABASE_URL
  if (env.DB_HOST) {
    const auth = `${encodeURIComponent(env.DB_USER ?? "postgres")}:${encodeURIComponent(env.DB_PASSWORD ?? "")}`
    return `postgres://${auth}@${env.DB_HOST}:${env.DB_PORT ?? "5432"}/${env.DB_NAME ?? "postgres"}`
  }
  let out: string
  try {
    out = execFileSync("bash", [script, "start"], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
  } catch (error) {
    throw new Error(
      `no DATABASE_URL and scripts/postgres.sh could not start PostgreSQL (CI=${env.CI ?? "unset"})`,
      {
        cause: error,
      },
    )
  }
  const url = /^DATABASE_URL=(.+)$/m.exec(out)?.[1]
  if (!url) throw new Error(`scripts/postgres.sh printed no DATABASE_URL:\n${out}`)
  return url
}

export const configFromUrl = (url: string, database?: string): PostgresConfig => {
  const u = new URL(url)
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: Redacted.make(decodeURIComponent(u.password)),
    database: database ?? decodeURIComponent(u.pathname.slice(1)),
    sslMode: u.searchParams.get("sslmode") ?? "disable",
    poolSize: 8,
    migrateOnStart: true,
    retentionDays: 7,
    partitionsAheadDays: 3,
  }
}

/** Creates an empty database of its own for a test file, so files run in parallel without seeing each other. */
export const createTestDatabase = async (url: string, prefix: string): Promise<PostgresConfig> => {
  const name = `pt_test_${prefix}_${Math.random().toString(36).slice(2, 10)}`
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }
  return configFromUrl(url, name)
}

export const dropTestDatabase = async (url: string, config: PostgresConfig): Promise<void> => {
  const admin = new pg.Client({ connectionString: url })
  await admin.connect()
  try {
    await admin.query(`drop database if exists ${config.database} with (force)`)
  } finally {
    await admin.end()
  }
}

/** A fresh, migrated database behind PostgresStoreLayer, dropped when the layer is released. */
export const testStoreLayer = (url: string, prefix: string, overrides: Partial<PostgresConfig> = {}) =>
  Layer.unwrap(
    Effect.acquireRelease(
      Effect.promise(() => createTestDatabase(url, prefix)),
      (config) => Effect.promise(() => dropTestDatabase(url, config)),
    ).pipe(Effect.map((config) => postgresStoreLayer({ ...config, ...overrides }))),
  )
