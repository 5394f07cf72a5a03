import type { StoreUnavailable } from "@pt/domain/ports/StoreUnavailable"
import type { Effect } from "effect"
import type { StoreOrm } from "./MikroOrm.ts"
import { ormCall } from "./StoreErrors.ts"

/**
 * Applies every pending migration; returns the names applied. Migrations are the only way the schema changes.
 * Under the migration lock: a migrator started concurrently waits, then finds nothing pending (returns []).
 */
export const migrateUp = ({
  orm,
  withMigrationLock,
}: StoreOrm): Effect.Effect<ReadonlyArray<string>, StoreUnavailable> =>
  ormCall("applying migrations", () =>
    withMigrationLock(async () => (await orm.migrator.up()).map((m) => m.name)),
  )

/** Reverts migrations: the last one, or all of them with `{ all: true }`. */
export const migrateDown = (
  { orm, withMigrationLock }: StoreOrm,
  options: { readonly all?: boolean } = {},
): Effect.Effect<ReadonlyArray<string>, StoreUnavailable> =>
  ormCall("reverting migrations", () =>
    withMigrationLock(async () =>
      (await orm.migrator.down(options.all ? { to: 0 } : undefined)).map((m) => m.name),
    ),
  )

/** Names of migrations not yet applied (empty = the schema is current; `/ready` uses it). */
export const pendingMigrations = ({
  orm,
}: StoreOrm): Effect.Effect<ReadonlyArray<string>, StoreUnavailable> =>
  ormCall("listing pending migrations", async () => (await orm.migrator.getPending()).map((m) => m.name))
