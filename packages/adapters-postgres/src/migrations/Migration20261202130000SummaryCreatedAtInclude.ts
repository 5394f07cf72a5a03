import { Migration } from "@mikro-orm/migrations"

/**
 * `/payloads?status=…&created_at_gte=…` (queries/ListPayloads.ts) probes each matching status's payload for its
 * created_at: with `created_at` INCLUDEd beside `payload_id` that is an index-only scan of `payload_summaries`
 * instead of a heap read per match (a day's `puptoo` errors at 10M statuses: ≈3.9k probes, 90 ms → 22 ms).
 * Neither column changes on the write path's frequent updates, so they stay HOT; a new payload adds one entry.
 * `if not exists`: the index may have been built by hand (concurrently) on a large database first.
 */
export class Migration20261202130000SummaryCreatedAtInclude extends Migration {
  override up(): void {
    this.addSql(`create index if not exists "payload_summaries_created_at" on "payload_summaries"
      ("payload_id") include ("created_at")`)
  }

  override down(): void {
    this.addSql(`drop index if exists "payload_summaries_created_at"`)
  }
}
