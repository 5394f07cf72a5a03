import { defineEntity, p } from "@mikro-orm/core"

// Names of services, sources and statuses are stored once and referenced by a small id from every status row.
const lookup = <const N extends string, const T extends string>(name: N, tableName: T) =>
  defineEntity({
    name,
    tableName,
    properties: {
      id: p.integer().primary().autoincrement(),
      name: p.text().unique().columnType('text collate "C"'),
    },
  })

export const ServiceEntity = lookup("Service", "services")
export const SourceEntity = lookup("Source", "sources")
export const StatusEntity = lookup("Status", "statuses")
