import { Migration } from "@mikro-orm/migrations"
import { PACKED_COLUMNS, PAYLOAD_SERVICES_VIEW, SUMMARY_SERVICE_COLUMNS } from "../queries/SummarySql.ts"
import { micros } from "../SqlFragments.ts"

const ARRAY_TYPES: Record<(typeof PACKED_COLUMNS)[number], string> = {
  first_dates: "int8[]",
  last_dates: "int8[]",
  first_receiveds: "int8[]",
  last_receiveds: "int8[]",
  last_terminals: "int8[]",
  saw_errors: "bool[]",
  first_error_dates: "int8[]",
  first_error_statuses: 'text[] collate "C"',
  first_error_msgs: 'text[] collate "C"',
  last_status_dates: "int8[]",
  last_statuses: 'text[] collate "C"',
  last_status_msgs: 'text[] collate "C"',
}

const isDate = (column: string) => column.endsWith("date") || /_(received|terminal)$/.test(column)

/**
 * The payload summary packed into one row per payload (docs/postgres.md, "The payload summary"): the per-service
 * fields move from the `payload_services` table (one row per payload and service) into parallel arrays on
 * `payload_summaries` (service ids ascending, dates as int8 micros), so a batch writes one summary row per
 * payload instead of one per payload and service (bench:store: ≈1,250 service rows for 2,000 statuses). Reads
 * keep the layout they know: `payload_services` becomes a view that unpacks the arrays, with the same columns
 * (`prev_open`, bookkeeping of the former merge, goes). Existing summaries are packed from the table before it is
 * dropped (writers wait on the table locks meanwhile).
 */
export class Migration20261202000000PackedSummary extends Migration {
  override up(): void {
    this.addSql(`lock table "payload_summaries", "payload_services" in exclusive mode`)
    this.addSql(
      `alter table "payload_summaries" add column "service_ids" int4[] not null default '{}', ${PACKED_COLUMNS.map(
        (c) => `add column "${c}" ${ARRAY_TYPES[c]} not null default '{}'`,
      ).join(", ")}`,
    )
    this.addSql(`update "payload_summaries" t set service_ids = g.service_ids, ${PACKED_COLUMNS.map((c) => `${c} = g.${c}`).join(", ")}
      from (select payload_id, array_agg(service_id order by service_id) as service_ids,
        ${SUMMARY_SERVICE_COLUMNS.map(
          (c, i) =>
            `array_agg(${isDate(c) ? `${micros(c)}::int8` : c} order by service_id) as ${PACKED_COLUMNS[i]}`,
        ).join(", ")}
        from "payload_services" group by payload_id) g
      where g.payload_id = t.payload_id`)
    this.addSql(`drop table "payload_services"`)
    this.addSql(PAYLOAD_SERVICES_VIEW)
  }

  override down(): void {
    this.addSql(
      `create table "payload_services_unpacked" as select *, null::boolean as prev_open from "payload_services"`,
    )
    this.addSql(`drop view "payload_services"`)
    this.addSql(`alter table "payload_services_unpacked" rename to "payload_services"`)
    this.addSql(`alter table "payload_services" set (fillfactor = 80), alter column "first_date" set not null,
      alter column "last_date" set not null, alter column "saw_error" set not null,
      alter column "last_status_date" set not null, alter column "last_status" set not null,
      alter column "last_status_msg" set not null, add primary key ("payload_id", "service_id")`)
    this.addSql(
      `alter table "payload_summaries" drop column "service_ids", ${PACKED_COLUMNS.map((c) => `drop column "${c}"`).join(", ")}`,
    )
  }
}
