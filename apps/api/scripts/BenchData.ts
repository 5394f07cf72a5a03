import { RequestId } from "@pt/domain/RequestId"
import type { StatusEvent } from "@pt/domain/StatusEvent"
import { Micros } from "@pt/domain/Timestamp"

/**
 * Deterministic benchmark data: payloads of five statuses (received → processing → success across two
 * services) spread over yesterday, 1,000 accounts, a handful of services. Generated in batches so 10M rows never
 * sit in memory at once.
 */
// Yesterday (UTC): inside the PostgreSQL adapter's retention window and its daily partitions.
export const BENCH_DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10)
const DAY_START = Date.parse(`${BENCH_DAY}T00:00:00Z`) * 1000
const SERVICES = ["ingress", "puptoo", "storage-broker", "inventory-mq-service", "advisor"]
const STEPS = [
  { service: 0, status: "received" },
  { service: 0, status: "success" },
  { service: 1, status: "received" },
  { service: 1, status: "processing" },
  { service: 1, status: "success" },
]

export interface BenchFixture {
  readonly requestIds: ReadonlyArray<string>
  readonly accounts: ReadonlyArray<string>
  readonly services: ReadonlyArray<string>
}

const hex32 = (n: number) => n.toString(16).padStart(32, "0")

export function* benchEvents(statuses: number, batchSize = 5000) {
  const payloads = Math.max(1, Math.ceil(statuses / STEPS.length))
  const spacing = Math.floor((86_400 * 1_000_000) / payloads)
  const sample: Array<string> = []
  const accounts = Array.from({ length: 1000 }, (_, i) => `acc${i}`)
  let batch: Array<StatusEvent> = []
  let emitted = 0
  for (let p = 0; p < payloads && emitted < statuses; p++) {
    const request_id = RequestId.make(hex32(p + 1))
    if (p % Math.max(1, Math.floor(payloads / 1000)) === 0) sample.push(request_id)
    const start = DAY_START + p * spacing
    const serviceOffset = p % (SERVICES.length - 1)
    for (let s = 0; s < STEPS.length && emitted < statuses; s++, emitted++) {
      const step = STEPS[s]!
      batch.push({
        request_id,
        service: SERVICES[(step.service + serviceOffset) % SERVICES.length]!,
        source: "",
        status: step.status,
        status_msg: "",
        date: Micros.make(start + s * 1_500_000),
        account: accounts[p % accounts.length]!,
        org_id: `org${p % 1000}`,
        inventory_id: "",
        system_id: "",
      })
      if (batch.length >= batchSize) {
        yield { events: batch, fixture: { requestIds: sample, accounts, services: SERVICES } }
        batch = []
      }
    }
  }
  yield { events: batch, fixture: { requestIds: sample, accounts, services: SERVICES } }
}
