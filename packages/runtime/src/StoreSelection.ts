import { Config, Option } from "effect"

export type StoreKind = "postgres" | "memory"

// The connection settings that name a database. Clowder's `database` section arrives under these names too
// (AppConfigProvider), so "a Clowder database is configured" needs no rule of its own.
const DATABASE_SETTINGS = ["DATABASE_URL", "DB_HOST", "DB_PORT", "DB_USER", "DB_PASSWORD", "DB_NAME"] as const

/**
 * The one store selection rule of every process: PostgreSQL when DATABASE_URL, any of
 * DB_HOST/DB_PORT/DB_USER/DB_PASSWORD/DB_NAME or a Clowder database section is configured, else the in-memory
 * store (where the process allows one).
 */
export const storeKind: Config.Config<StoreKind> = Config.all(
  DATABASE_SETTINGS.map((name) => Config.option(Config.String(name))),
).pipe(Config.map((values): StoreKind => (values.some(Option.isSome) ? "postgres" : "memory")))
