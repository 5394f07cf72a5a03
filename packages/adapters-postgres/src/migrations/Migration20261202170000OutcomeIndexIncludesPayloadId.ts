import { Migration } from "@mikro-orm/migrations"

/**
 * The summary's outcome index `(any_error, created_at)` INCLUDEs `payload_id`: `/payloads?status=<an error
 * word>&created_at_gte=…` (with or without `service`) then reads the window's error payloads from it index-only
 * and hash-joins them with the matching statuses, instead of probing the primary key once per match
 * (queries/Summaries.ts). The entry grows by 8 bytes; the index is written exactly as often as before.
 * Built under the table lock (writers wait; ≈0.6 s at 600,000 payloads).
 */
export class Migration20261202170000OutcomeIndexIncludesPayloadId extends Migration {
  override up(): void {
    this.addSql(`drop index "payload_summaries_outcome"`)
    this.addSql(
      `create index "payload_summaries_outcome" on "payload_summaries" ("any_error", "created_at") include ("payload_id")`,
    )
  }

  override down(): void {
    this.addSql(`drop index "payload_summaries_outcome"`)
    this.addSql(`create index "payload_summaries_outcome" on "payload_summaries" ("any_error", "created_at")`)
  }
}
