/**
 * Realistic status traffic for tests and the ingest benchmark: the pipeline of docs/pipeline.md (ingress → puptoo →
 * inventory → advisor, some uploads failing in puptoo), with dates in the wire formats producers use.
 * Ids and content are deterministic for a given seed; dates are laid out backwards from the clock (see
 * `trafficStartMs`), because retention, "stalled" and the partition window all measure from now.
 */
export interface WireStatus {
  readonly request_id: string
  readonly service: string
  readonly status: string
  readonly date: string
  readonly source?: string
  readonly status_msg?: string
  readonly account?: string
  readonly org_id?: string
  readonly inventory_id?: string
}

/** Small deterministic PRNG (mulberry32): tests must replay the same traffic. */
export const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

const hex = (rand: () => number, n: number) => {
  let s = ""
  for (let i = 0; i < n; i++) s += Math.floor(rand() * 16).toString(16)
  return s
}
const uuid = (rand: () => number) => {
  const h = hex(rand, 32)
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}

/** The statuses of one upload, in the order they happened. */
export const payloadStatuses = (rand: () => number, startMs: number): Array<WireStatus> => {
  const request_id = hex(rand, 32)
  const org_id = String(1_000_000 + Math.floor(rand() * 9_000_000))
  const account = String(Math.floor(rand() * 9_000_000))
  const inventory_id = uuid(rand)
  let t = startMs * 1000 + Math.floor(rand() * 1000)
  const at = () => {
    t += 1_000 + Math.floor(rand() * 400_000)
    const iso = new Date(Math.floor(t / 1000)).toISOString()
    return `${iso.slice(0, 19)}.${String(t % 1_000_000).padStart(6, "0")}Z`
  }
  const s = (service: string, status: string, extra: Partial<WireStatus> = {}): WireStatus => ({
    request_id,
    service,
    status,
    date: at(),
    account,
    org_id,
    ...extra,
  })
  const out = [
    s("ingress", "received", { status_msg: "Payload received" }),
    s("ingress", "success", { status_msg: "Sent to platform.upload.announce" }),
    s("puptoo", "received", { status_msg: "Received message" }),
  ]
  if (rand() < 0.05) {
    out.push(s("puptoo", "error", { status_msg: "Unable to extract archive: not a gzip file" }))
    out.push(
      s("storage-broker", "received"),
      s("storage-broker", "success", { status_msg: "copied to rejected bucket" }),
    )
    return out
  }
  out.push(
    s("puptoo", "processing", { status_msg: "Processing archive" }),
    s("puptoo", "success", { status_msg: "Sent to platform.inventory.host-ingress" }),
    s("inventory-mq-service", "received", { source: "insights-client" }),
    s("inventory-mq-service", "success", {
      source: "insights-client",
      inventory_id,
      status_msg: "Host updated",
    }),
    s("insights-advisor-service", "received", { status_msg: "Received engine results" }),
    s("insights-advisor-service", "success", { status_msg: "Stored report" }),
  )
  return out
}

/**
 * Where traffic of `payloads` uploads started `spacingMs` apart begins so that its last status lands about a
 * minute before now: inside retention and the partition window, never in the future, on any date.
 */
export const trafficStartMs = (payloads: number, spacingMs: number, nowMs = Date.now()): number =>
  nowMs - payloads * spacingMs - 60_000

/** `payloads` uploads' statuses, shuffled (no key → any partition, any order) with `duplicateRatio` redelivered. */
export const pipelineTraffic = (
  payloads: number,
  seed = 1,
  duplicateRatio = 0.1,
  startMs = trafficStartMs(payloads, 1_000),
) => {
  const rand = random(seed)
  const perPayload = Array.from({ length: payloads }, (_, i) => payloadStatuses(rand, startMs + i * 1_000))
  const unique = perPayload.flat()
  const all = [...unique]
  for (const m of unique) if (rand() < duplicateRatio) all.push(m)
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1))
    ;[all[i], all[j]] = [all[j]!, all[i]!]
  }
  return { perPayload, unique, all }
}
