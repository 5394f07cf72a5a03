/**
 * Applies or reverts the store's migrations on the configured database (DATABASE_URL, ACG_CONFIG or DB_*).
 *   pnpm --filter @pt/adapters-postgres migrate up      apply every pending migration
 *   pnpm --filter @pt/adapters-postgres migrate down    revert the last migration (`down --all`: every one)
 *   pnpm --filter @pt/adapters-postgres migrate status  list pending migrations (exit 1 when any)
 */
import { AppConfigProviderLayer } from "@pt/runtime/AppConfigProvider"
import { Effect } from "effect"
import { migrateDown, migrateUp, pendingMigrations } from "../src/Migrate.ts"
import { postgresOrm } from "../src/MikroOrm.ts"
import { loadPostgresConfig } from "../src/PostgresConfig.ts"

const [command = "up", flag] = process.argv.slice(2)

const program = Effect.gen(function* () {
  const store = yield* postgresOrm(yield* loadPostgresConfig())
  switch (command) {
    case "up": {
      const applied = yield* migrateUp(store)
      console.log(applied.length === 0 ? "schema is current" : `applied: ${applied.join(", ")}`)
      return 0
    }
    case "down": {
      const reverted = yield* migrateDown(store, { all: flag === "--all" })
      console.log(reverted.length === 0 ? "nothing to revert" : `reverted: ${reverted.join(", ")}`)
      return 0
    }
    case "status": {
      const pending = yield* pendingMigrations(store)
      console.log(pending.length === 0 ? "schema is current" : `pending: ${pending.join(", ")}`)
      return pending.length === 0 ? 0 : 1
    }
    default:
      console.error("usage: migrate up | down [--all] | status")
      return 2
  }
})

// The apps' settings source, so ACG_CONFIG's database section is found here too.
Effect.runPromise(Effect.scoped(program).pipe(Effect.provide(AppConfigProviderLayer()))).then(
  (code) => process.exit(code),
  (error) => {
    console.error(String(error))
    process.exit(1)
  },
)
