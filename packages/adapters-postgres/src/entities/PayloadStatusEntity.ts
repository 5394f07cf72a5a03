import { defineEntity, p } from "@mikro-orm/core"

/**
 * A status row. The table is range-partitioned by day on `date` (see the migrations and Partitions.ts),
 * which MikroORM does not model: the schema comes from the migrations only, never from schema generation.
 */
export const PayloadStatusEntity = defineEntity({
  name: "PayloadStatus",
  tableName: "payload_statuses",
  properties: {
    id: p.bigint("number").primary(),
    date: p.datetime().primary().columnType("timestamptz"),
    payloadId: p.bigint("number").name("payload_id"),
    serviceId: p.integer().name("service_id"),
    sourceId: p.integer().name("source_id").nullable(),
    statusId: p.integer().name("status_id"),
    statusMsg: p.text().name("status_msg").default(""),
    /** When the tracker stored the status. */
    createdAt: p.datetime().name("created_at").columnType("timestamptz"),
  },
})
