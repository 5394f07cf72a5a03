import type { Micros } from "@pt/domain/Timestamp"
import { goRfc3339Nano, pythonIsoformat, pythonStr, rfc3339Seconds, rubyIso8601 } from "./Dates.ts"

/**
 * Per-service message builders: each producer's exact service name, field set, key order and date format
 * (docs/pipeline.md, "Who sends what"). Key order is cosmetic for the tracker but copied from the producers anyway, so captured
 * traffic looks like the real thing.
 */

/** The uploaded payload and the host it describes, as the services along the pipeline see it. */
export interface Upload {
  readonly requestId: string
  /** "" for "anemic" tenants that only have an org_id (common since 2022). */
  readonly account: string
  readonly orgId: string
  /** Service of the upload, from its content type: advisor, compliance, openshift, … */
  readonly service: string
  /** HBI host id, dashed UUID. */
  readonly inventoryId: string
  readonly systemId: string
  readonly clusterId: string
}

export type StatusValue = Record<string, unknown>

// Python services read the account from the upload metadata and send JSON null when there is none.
const pyAccount = (u: Upload): string | null => (u.account === "" ? null : u.account)

/** Go ingress: account always present ("" without one), org_id always, no source/inventory_id/system_id. */
export const ingress = (u: Upload, date: Micros, status: string, statusMsg: string): StatusValue => ({
  service: "ingress",
  account: u.account,
  org_id: u.orgId,
  request_id: u.requestId,
  status,
  status_msg: statusMsg,
  // Go prints nanoseconds; derive the sub-microsecond digits from the time so output stays reproducible.
  date: goRfc3339Nano(date, (date * 7919) % 1000),
})

/** puptoo: account may be null, payload_id duplicates request_id, naive isoformat date. */
export const puptoo = (u: Upload, date: Micros, status: string, statusMsg: string): StatusValue => ({
  account: pyAccount(u),
  org_id: u.orgId,
  request_id: u.requestId,
  payload_id: u.requestId,
  service: "puptoo",
  status,
  status_msg: statusMsg,
  date: pythonIsoformat(date),
})

/** storage-broker: every field always present, inventory_id JSON null in practice. */
export const storageBroker = (u: Upload, date: Micros, status: string, statusMsg: string): StatusValue => ({
  service: "storage-broker",
  account: pyAccount(u),
  org_id: u.orgId,
  request_id: u.requestId,
  inventory_id: null,
  status,
  status_msg: statusMsg,
  date: pythonIsoformat(date),
})

/**
 * HBI's MQ consumer: keys sorted alphabetically (json.dumps(sort_keys=True)), status_msg and ids only when
 * known, naive utcnow().isoformat(), request_id without dashes.
 */
export const inventory = (
  u: Upload,
  date: Micros,
  status: string,
  statusMsg?: string,
  known?: { readonly ids: boolean },
): StatusValue => {
  const value: StatusValue = {
    date: pythonIsoformat(date),
    request_id: u.requestId.replaceAll("-", ""),
    service: "inventory-mq-service",
    status,
  }
  if (statusMsg !== undefined) value.status_msg = statusMsg
  if (known?.ids) {
    if (u.account !== "") value.account = u.account
    value.org_id = u.orgId
    value.inventory_id = u.inventoryId
  }
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)))
}

/** insights-advisor-service (advisor-backend). */
export const advisor = (
  u: Upload,
  date: Micros,
  status: string,
  statusMsg: string,
  source = "insights-client",
): StatusValue => ({
  service: "insights-advisor-service",
  status,
  status_msg: statusMsg,
  request_id: u.requestId,
  inventory_id: u.inventoryId,
  system_id: u.systemId,
  source,
  account: u.account,
  org_id: u.orgId,
  date: pythonIsoformat(date),
})

/**
 * Apps seen in tracker data whose code is not public (insights-engine, vulnerability-*, hsp-archiver): the
 * shape of the tracker's own mock data, naive isoformat dates, no status_msg.
 */
export const platformApp = (service: string, u: Upload, date: Micros, status: string): StatusValue => ({
  service,
  request_id: u.requestId,
  account: u.account,
  org_id: u.orgId,
  inventory_id: u.inventoryId,
  status,
  date: pythonIsoformat(date),
})

/** patchman (Go): inventory_id always a field, RFC 3339 in whole seconds with `Z`. */
export const patchman = (u: Upload, date: Micros, status: string, statusMsg: string): StatusValue => ({
  account: u.account,
  org_id: u.orgId,
  request_id: u.requestId,
  inventory_id: u.inventoryId,
  service: "patchman",
  status,
  status_msg: statusMsg,
  date: rfc3339Seconds(date),
})

/** compliance (Ruby): system_id is the inventory id, source is its APPLICATION_TYPE, ISO-8601 with offset. */
export const compliance = (u: Upload, date: Micros, status: string, statusMsg: string): StatusValue => ({
  request_id: u.requestId,
  status,
  account: u.account,
  org_id: u.orgId,
  system_id: u.inventoryId,
  status_msg: statusMsg,
  service: "compliance",
  source: "compliance",
  date: rubyIso8601(date),
})

/** ccx-data-pipeline and insights-results-db-writer (OpenShift archives). */
export const ccx = (
  service: string,
  u: Upload,
  date: Micros,
  status: string,
  statusMsg?: string,
): StatusValue => {
  const value: StatusValue = {
    service,
    request_id: u.requestId,
    status,
    date: pythonIsoformat(date),
    org_id: u.orgId,
  }
  if (u.account !== "") value.account = u.account
  if (statusMsg !== undefined) value.status_msg = statusMsg
  return value
}

/** The Python upload service of mid-2019: payload_id duplicates request_id, account "unknown" without one. */
export const legacyUploadService = (
  u: Upload,
  date: Micros,
  status: string,
  statusMsg: string,
): StatusValue => ({
  service: "ingress",
  status,
  status_msg: statusMsg,
  account: u.account === "" ? "unknown" : u.account,
  request_id: u.requestId,
  payload_id: u.requestId,
  date: pythonIsoformat(date),
})

/** advisor-pup (2019): `str(datetime.now())`, i.e. a space separator. */
export const advisorPup = (u: Upload, date: Micros, status: string, statusMsg: string): StatusValue => ({
  service: "advisor-pup",
  status,
  status_msg: statusMsg,
  account: u.account,
  request_id: u.requestId,
  date: pythonStr(date),
})
