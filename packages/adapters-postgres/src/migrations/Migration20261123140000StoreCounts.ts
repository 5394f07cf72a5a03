import { Migration } from "@mikro-orm/migrations"

/**
 * Exact totals of payloads and statuses, so `/payloads` and `/statuses` without any filter (the UI's first pages)
 * read a few rows instead of counting every row (≈200 ms at 600k payloads, ≈1 s at 10M statuses).
 *
 * Maintained in the same transaction as the change it counts: the write path adds the rows it inserted,
 * retention subtracts the rows it removed. One row per slot (`pg_backend_pid() % 16`): concurrent writers
 * on different connections update different rows, so they never wait on each other's counter row until commit.
 * Readers sum the slots. The initial row holds the counts at the time of the migration; the tables are locked
 * against writes while they are counted (a writer started meanwhile waits), so no row is counted twice or missed.
 */
export class Migration20261123140000StoreCounts extends Migration {
  override up(): void {
    this.addSql(`create table "store_counts" (
      "slot" integer primary key,
      "payloads" bigint not null default 0,
      "statuses" bigint not null default 0)`)
    this.addSql(`lock table "payloads", "payload_statuses" in share mode`)
    this.addSql(`insert into "store_counts" ("slot", "payloads", "statuses")
      values (0, (select count(*) from "payloads"), (select count(*) from "payload_statuses"))`)
  }

  override down(): void {
    this.addSql(`drop table if exists "store_counts"`)
  }
}
