import { defineEntity, p } from "@mikro-orm/core"

/** One row per normalised request_id; tenant and host fields are "" when unknown (docs/status-messages.md). */
export const PayloadEntity = defineEntity({
  name: "Payload",
  tableName: "payloads",
  properties: {
    id: p.bigint("number").primary().autoincrement(),
    requestId: p.text().name("request_id").unique().columnType('text collate "C"'),
    account: p.text().columnType('text collate "C"').default(""),
    orgId: p.text().name("org_id").columnType('text collate "C"').default(""),
    inventoryId: p.text().name("inventory_id").columnType('text collate "C"').default(""),
    systemId: p.text().name("system_id").columnType('text collate "C"').default(""),
    /** The earliest status date seen for the payload. */
    createdAt: p.datetime().name("created_at").columnType("timestamptz"),
  },
})
