import { Migration } from "@mikro-orm/migrations"
import { rebuildSummaries } from "../queries/SummarySql.ts"

/**
 * The payload summary (packages/domain/src/Summary.ts; docs/postgres.md, "The payload summary"), kept by the
 * write path in the batch's transaction, and backfilled here from the stored statuses.
 *
 * - `payload_services` (payload, service): the merged dates, the error flag, the first error and the last
 *   status. Only its primary key is indexed, so the write's updates are HOT (fillfactor leaves them room).
 *   `prev_open` is bookkeeping of the write (see SummarySql.ts), not part of the summary.
 * - `payload_summaries` (payload): what `/payloads?outcome=` needs. `(any_error, created_at)` serves
 *   "outcome=error in a created_at window" and, with `any_error = false`, the other outcomes (their
 *   `open_services` and `last_date` are checked on the rows of the window); neither indexed column changes
 *   often, so the frequent `last_date`/`open_services` updates stay HOT too.
 * `service=` probes the primary key per payload, `status=` the statuses' own indexes.
 *
 * The backfill holds writers off (share lock) while it reads, so no status is summarised twice or missed.
 */
export class Migration20261201000000PayloadSummary extends Migration {
  override up(): void {
    this.addSql(`create table "payload_services" (
      "payload_id" bigint not null,
      "service_id" integer not null,
      "first_date" timestamptz not null,
      "last_date" timestamptz not null,
      "first_received" timestamptz,
      "last_received" timestamptz,
      "last_terminal" timestamptz,
      "saw_error" boolean not null,
      "first_error_date" timestamptz,
      "first_error_status" text collate "C",
      "first_error_msg" text collate "C",
      "last_status_date" timestamptz not null,
      "last_status" text collate "C" not null,
      "last_status_msg" text collate "C" not null,
      "prev_open" boolean,
      primary key ("payload_id", "service_id")
    ) with (fillfactor = 80)`)
    this.addSql(`create table "payload_summaries" (
      "payload_id" bigint primary key,
      "created_at" timestamptz not null,
      "last_date" timestamptz not null,
      "any_error" boolean not null,
      "open_services" integer not null
    ) with (fillfactor = 80)`)
    this.addSql(`create index "payload_summaries_outcome" on "payload_summaries" ("any_error", "created_at")`)
    this.addSql(`lock table "payloads", "payload_statuses" in share mode`)
    for (const statement of rebuildSummaries("true")) this.addSql(statement)
  }

  override down(): void {
    this.addSql(`drop table if exists "payload_summaries"`)
    this.addSql(`drop table if exists "payload_services"`)
  }
}
