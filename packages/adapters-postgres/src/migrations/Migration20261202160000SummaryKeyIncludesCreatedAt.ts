import { Migration } from "@mikro-orm/migrations"

/**
 * The summary's primary key INCLUDEs `created_at`, and the separate `(payload_id) include (created_at)` index
 * (Migration20261202130000SummaryCreatedAtInclude) goes: the same index-only probe for
 * `/payloads?status=…&created_at_gte=…`, with one index fewer to write for every new payload (a fresh summary
 * row wrote three index entries, now two). `created_at` was indexed before too, so which updates stay HOT is
 * unchanged. Writers wait on the table lock while the key is rebuilt.
 */
export class Migration20261202160000SummaryKeyIncludesCreatedAt extends Migration {
  override up(): void {
    this.addSql(`alter table "payload_summaries" drop constraint "payload_summaries_pkey",
      add constraint "payload_summaries_pkey" primary key ("payload_id") include ("created_at")`)
    this.addSql(`drop index if exists "payload_summaries_created_at"`)
  }

  override down(): void {
    this.addSql(`create index if not exists "payload_summaries_created_at" on "payload_summaries"
      ("payload_id") include ("created_at")`)
    this.addSql(`alter table "payload_summaries" drop constraint "payload_summaries_pkey",
      add constraint "payload_summaries_pkey" primary key ("payload_id")`)
  }
}
