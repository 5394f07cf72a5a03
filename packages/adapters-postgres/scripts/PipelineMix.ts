import { RequestId } from "@pt/domain/RequestId"
import type { StatusEvent } from "@pt/domain/StatusEvent"
import { Micros } from "@pt/domain/Timestamp"

/** A small deterministic PRNG (mulberry32), so benchmark data is the same on every run. */
export const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const hex = (rng: () => number, length: number): string => {
  let out = ""
  while (out.length < length)
    out += Math.floor(rng() * 0x100000000)
      .toString(16)
      .padStart(8, "0")
  return out.slice(0, length)
}
const uuid = (rng: () => number): string => {
  const h = hex(rng, 32)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

type Step = readonly [service: string, status: string, source?: string, message?: string]

// What the platform's pipeline reports for one upload (docs/pipeline.md): each service `received` then a terminal
// status; host ids arrive with inventory; storage-broker reports once it stored (or rejected) the archive.
const HAPPY: ReadonlyArray<Step> = [
  ["ingress", "received", "insights-client"],
  ["puptoo", "received"],
  ["puptoo", "success"],
  ["inventory-mq-service", "received"],
  ["inventory-mq-service", "success"],
  ["storage-broker", "success"],
  ["advisor", "received"],
  ["advisor", "success"],
]
const NO_STORAGE = HAPPY.filter(([service]) => service !== "storage-broker")
const PUPTOO_ERROR: ReadonlyArray<Step> = [
  ["ingress", "received", "insights-client"],
  ["puptoo", "received"],
  ["puptoo", "processing"],
  ["puptoo", "error", "", "Unable to extract archive: tar: Unexpected EOF in archive"],
  ["storage-broker", "success", "", "moved to rejected bucket"],
]
const ADVISOR_ERROR: ReadonlyArray<Step> = [
  ...HAPPY.slice(0, 7),
  ["advisor", "error", "", "Engine failed: rule plugin timeout after 30s"],
]

const APPS = ["compliance", "vulnerability", "patch", "ros", "malware-detection"]

/**
 * The statuses of payload number `index`, starting at `startMicros`: ≈ 7.65 statuses per payload on average,
 * plus `received`/`processing`/`success` from `extraApps` more applications (the API benchmark's data set).
 */
export const payloadEvents = (
  index: number,
  startMicros: number,
  options: { readonly tenants?: number; readonly extraApps?: number } = {},
): Array<StatusEvent> => {
  const tenants = options.tenants ?? 5_000
  const rng = random(index + 1)
  const roll = rng()
  const base = roll < 0.05 ? PUPTOO_ERROR : roll < 0.1 ? ADVISOR_ERROR : roll < 0.3 ? NO_STORAGE : HAPPY
  const extra = base === PUPTOO_ERROR ? [] : APPS.slice(0, options.extraApps ?? 0)
  const steps: Array<Step> = [
    ...base,
    ...extra.flatMap(
      (app, i): Array<Step> => [
        [app, "received"],
        ...(i === 0 ? [[app, "processing"] as const] : []),
        [app, "success"],
      ],
    ),
  ]
  const request_id = RequestId.make(hex(rng, 32))
  const tenant = Math.floor(rng() * tenants)
  const account = String(1_000_000 + tenant)
  const org_id = String(5_000_000 + tenant)
  const inventory_id = uuid(rng)
  let date = startMicros
  return steps.map(([service, status, source = "", message = ""]) => {
    date += Math.floor(20_000 + rng() * 400_000)
    const isIngress = service === "ingress"
    const isInventory = service === "inventory-mq-service" && status === "success"
    return {
      request_id,
      service,
      source,
      status,
      status_msg: message,
      date: Micros.make(date),
      account: isIngress || rng() < 0.5 ? account : "",
      org_id: isIngress || rng() < 0.5 ? org_id : "",
      inventory_id: isInventory ? inventory_id : "",
      system_id: isInventory ? inventory_id : "",
    }
  })
}
