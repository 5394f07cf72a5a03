import { Migration } from "@mikro-orm/migrations"

/**
 * `/payloads?status=…&created_at_gte=…` collects the payload ids of the window's matching statuses (Summaries.ts):
 * with `payload_id` in the `(status_id, service_id, date)` index that is an index-only scan, instead of a heap
 * read per status (≈3.5k blocks for a day's `puptoo` errors at 10M statuses). Same name, same key columns: the
 * other users (/statuses by status+service and date, /stats) are served as before. Rebuilding it on a large
 * table holds writes to the statuses off meanwhile (a partitioned index cannot be built concurrently).
 */
export class Migration20261201230000StatusPayloadInclude extends Migration {
  override up(): void {
    this.addSql(`drop index if exists "payload_statuses_status_service_date"`)
    this.addSql(`create index "payload_statuses_status_service_date" on "payload_statuses"
      ("status_id", "service_id", "date") include ("payload_id")`)
  }

  override down(): void {
    this.addSql(`drop index if exists "payload_statuses_status_service_date"`)
    this.addSql(`create index "payload_statuses_status_service_date" on "payload_statuses"
      ("status_id", "service_id", "date")`)
  }
}
