import { randomBytes } from "node:crypto"

/**
 * Test data, sent through the real ingest path (`POST /api/v1/statuses`, the same validation and write path as a
 * Kafka record). Dates are relative to the start of the run so the quick time ranges select known subsets.
 */
export interface StatusMessage {
  readonly request_id: string
  readonly service: string
  readonly status: string
  readonly date: string
  readonly source?: string
  readonly status_msg?: string
  readonly account?: string
  readonly org_id?: string
  readonly inventory_id?: string
  readonly system_id?: string
}

export const newRequestId = (): string => randomBytes(16).toString("hex")
export const dashed = (id: string): string =>
  `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`

const at = (now: number, offsetMs: number): string => new Date(now + offsetMs).toISOString()

export const BULK_ACCOUNTS = ["1000001", "1000002", "1000003"] as const
/** 24 payloads, one every 10 minutes back from now: 2 within 15 min, 6 within the last hour, all within 4 h. */
export const BULK_COUNT = 24

export const bulkPayloads = (now: number): { ids: Array<string>; statuses: Array<StatusMessage> } => {
  const ids = Array.from({ length: BULK_COUNT }, newRequestId)
  const statuses = ids.flatMap((request_id, i) => {
    const start = now - i * 10 * 60_000 - 30_000
    const tenant = { account: BULK_ACCOUNTS[i % 3]!, org_id: `org-${i % 3}` }
    return [
      { request_id, service: "ingress", status: "received", date: at(start, 0), ...tenant },
      { request_id, service: "ingress", status: "success", date: at(start, 1_500), ...tenant },
    ]
  })
  return { ids, statuses }
}

/** A payload whose values would run as spreadsheet formulas if exported carelessly. */
export const formulaPayload = (now: number, request_id: string): Array<StatusMessage> => [
  {
    request_id,
    service: "ingress",
    status: "received",
    date: at(now, -60_000),
    account: "=1+2",
    org_id: "@SUM(A1)",
  },
  {
    request_id,
    service: "ingress",
    status: "error",
    date: at(now, -59_000),
    status_msg: '=HYPERLINK("http://x","y")',
  },
  {
    request_id,
    service: "ingress",
    status: "processing",
    date: at(now, -58_000),
    status_msg: "-2+3, a comma",
  },
  { request_id, service: "ingress", status: "processing", date: at(now, -57_000), status_msg: "+cmd" },
]

/**
 * A payload through three services (the story Track tells): ingress, puptoo with an inventory source, and
 * an engine error. Expected lanes and durations are written out next to it.
 */
export const storyPayload = (now: number, request_id: string): Array<StatusMessage> => {
  const t0 = now - 5 * 60_000
  const who = {
    account: "5500001",
    org_id: "org-story",
    inventory_id: "4e9d3c1a-1111-4222-8333-444455556666",
  }
  return [
    { request_id, service: "ingress", status: "received", date: at(t0, 0), ...who },
    { request_id, service: "ingress", status: "success", date: at(t0, 1_200) },
    { request_id, service: "puptoo", status: "received", date: at(t0, 2_000) },
    { request_id, service: "puptoo", source: "inventory", status: "processing", date: at(t0, 3_000) },
    { request_id, service: "puptoo", source: "inventory", status: "success", date: at(t0, 8_625) },
    { request_id, service: "puptoo", status: "success", date: at(t0, 12_000) },
    { request_id, service: "engine", status: "received", date: at(t0, 13_000) },
    {
      request_id,
      service: "engine",
      status: "error",
      date: at(t0, 14_500),
      status_msg: "Engine failed: tarball has no facts",
    },
  ]
}
export const STORY_LANES = ["ingress", "puptoo", "puptoo:inventory", "engine"]
/** puptoo (no source) spans 2.000 → 12.000 s; puptoo:inventory 3.000 → 8.625 s. */
export const STORY_DURATIONS = {
  puptoo: "10 s",
  "puptoo:inventory": "5.63 s",
  ingress: "1.2 s",
  engine: "1.5 s",
}

/**
 * One host's three uploads for the fleet pages: a success through ingress and puptoo, an error in puptoo, and one
 * stalled in puptoo (its last status two hours ago, past STALLED_AFTER). inventory_id comes with ingress,
 * system_id with puptoo (as on the platform).
 */
export const FLEET_HOST = {
  inventory_id: "7b0c5f2e-aaaa-4bbb-8ccc-000011112222",
  system_id: "c3d4e5f6-dddd-4eee-8fff-333344445555",
}
export const FLEET_ERROR_MSG = "tarfile is corrupt"

export const fleetPayloads = (
  now: number,
  ids: { readonly success: string; readonly error: string; readonly stalled: string },
): Array<StatusMessage> => {
  const upload = (request_id: string, start: number) => [
    {
      request_id,
      service: "ingress",
      status: "received",
      date: at(start, 0),
      inventory_id: FLEET_HOST.inventory_id,
    },
    { request_id, service: "ingress", status: "success", date: at(start, 800) },
    {
      request_id,
      service: "puptoo",
      status: "received",
      date: at(start, 1_000),
      system_id: FLEET_HOST.system_id,
    },
  ]
  const ok = now - 30 * 60_000
  const failed = now - 20 * 60_000
  return [
    ...upload(ids.success, ok),
    { request_id: ids.success, service: "puptoo", status: "success", date: at(ok, 4_000) },
    ...upload(ids.error, failed),
    {
      request_id: ids.error,
      service: "puptoo",
      status: "error",
      date: at(failed, 6_000),
      status_msg: FLEET_ERROR_MSG,
    },
    ...upload(ids.stalled, now - 2 * 3_600_000),
  ]
}

export const ingest = async (origin: string, statuses: ReadonlyArray<StatusMessage>): Promise<void> => {
  const response = await fetch(`${origin}/api/v1/statuses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(statuses),
  })
  const body = (await response.json()) as { accepted?: number; rejected?: ReadonlyArray<unknown> }
  if (response.status !== 202 || body.accepted !== statuses.length) {
    throw new Error(`ingest answered ${response.status}: ${JSON.stringify(body)}`)
  }
}
