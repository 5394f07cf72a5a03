import { Micros } from "@pt/domain/Timestamp"
import * as P from "./Producers.ts"
import type { Rng } from "./Random.ts"
import {
  downstreamStage,
  ingressStage,
  inventoryStage,
  OPENSHIFT_BUCKET,
  puptooFailure,
  puptooSuccess,
  storageBrokerValidation,
} from "./Stages.ts"
import { type Trace, TraceBuilder, type TraceOptions } from "./Trace.ts"

/** The scenarios of docs/pipeline.md, by letter. */
export const SCENARIOS = {
  A: { name: "advisor", service: "advisor", about: "advisor upload, success, parallel downstream branches" },
  B: {
    name: "puptoo-failure",
    service: "advisor",
    about: "bad archive: puptoo error, storage-broker success",
  },
  C: { name: "inventory-rejects", service: "advisor", about: "inventory-mq-service rejects the host" },
  D: {
    name: "downstream-failure",
    service: "advisor",
    about: "one downstream app fails, the others succeed",
  },
  E: {
    name: "staging-failure",
    service: "advisor",
    about: "only ingress received (HTTP 500), open for ever",
  },
  F: {
    name: "compliance",
    service: "compliance",
    about: "compliance upload, validated through storage-broker",
  },
  G: { name: "openshift", service: "openshift", about: "Insights Operator upload, storage-broker and CCX" },
  H: {
    name: "legacy",
    service: "advisor",
    about: "2019 status names (processing, successful, advertised, …)",
  },
} as const

export type ScenarioName = keyof typeof SCENARIOS
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ReadonlyArray<ScenarioName>

/** Accepts a letter (`B`) or a name (`puptoo-failure`). */
export const parseScenario = (text: string): ScenarioName | undefined => {
  const upper = text.toUpperCase()
  if (upper in SCENARIOS) return upper as ScenarioName
  return SCENARIO_NAMES.find((k) => SCENARIOS[k].name === text.toLowerCase())
}

/** A fresh upload from a random tenant and host. About a third of tenants are "anemic" (org_id only). */
export const randomUpload = (rng: Rng, service: string, requestId = rng.requestId()): P.Upload => ({
  requestId,
  account: rng.chance(0.3) ? "" : rng.digits(7),
  orgId: String(rng.int(10_000, 99_999_999)),
  service,
  inventoryId: rng.uuid(),
  systemId: rng.uuid(),
  clusterId: rng.uuid(),
})

const compliance = (b: TraceBuilder, t0: Micros, fails: boolean): void => {
  const u = b.upload
  const staged = ingressStage(b, t0)
  // puptoo forwards the metadata to HBI; compliance parses the archive itself, in parallel.
  const hbiIn = puptooSuccess(b, staged)
  inventoryStage(b, hbiIn)
  const r = staged + b.ms(100, 2000)
  const profile = b.rng.uuid()
  const job = b.rng.hex(24)
  b.emit("compliance", Micros.make(r), (d) =>
    P.compliance(u, d, "received", `File of ${profile} is valid. Job ${job} enqueued`),
  )
  const done = r + b.ms(1000, 5000)
  if (fails) {
    const msg = `Failed to parse report ${profile} from host ${u.inventoryId}: ActiveRecord::RecordInvalid: Validation failed`
    b.emit("compliance", Micros.make(done), (d) => P.compliance(u, d, "error", msg))
    storageBrokerValidation(b, Micros.make(done), "failure")
  } else {
    storageBrokerValidation(b, Micros.make(r + b.ms(5, 50)), "success")
    b.emit("compliance", Micros.make(done), (d) =>
      P.compliance(u, d, "success", `Job ${job} for profile ${profile} completed`),
    )
  }
}

const openshift = (b: TraceBuilder, t0: Micros): void => {
  const u = b.upload
  const staged = ingressStage(b, t0)
  const r = staged + b.ms(100, 2000)
  b.emit("storage-broker", Micros.make(r), (d) =>
    P.storageBroker(u, d, "received", "received message from openshift"),
  )
  const c = r + b.ms(30, 300)
  const stamp = new Date(t0 / 1000).toISOString().replace(/[-:T]/g, "").slice(0, 14)
  const key = `${u.orgId}/${u.clusterId}/${stamp}-${u.requestId}`
  b.emit("storage-broker", Micros.make(c), (d) =>
    P.storageBroker(u, d, "success", `copied payload to ${OPENSHIFT_BUCKET} as ${key}`),
  )
  let t = c + b.ms(500, 3000)
  for (const [service, statuses] of [
    ["ccx-data-pipeline", ["received", "processing", "success"]],
    ["insights-results-db-writer", ["received", "processed", "success"]],
  ] as const) {
    for (const status of statuses) {
      b.emit(service, Micros.make(t), (d) => P.ccx(service, u, d, status))
      t += status === "received" ? b.ms(50, 300) : b.ms(300, 2500)
    }
    t += b.ms(20, 300)
  }
}

const legacy = (b: TraceBuilder, t0: Micros): void => {
  const u = b.upload
  const pup = (t: Micros): Micros => {
    b.emit("advisor-pup", t, (d) => P.advisorPup(u, d, "received", "Received message"))
    const s = t + b.ms(500, 1500)
    b.emit("advisor-pup", Micros.make(s), (d) => P.advisorPup(u, d, "success", "Message sent to inventory"))
    return Micros.make(s)
  }
  if (b.rng.chance(0.5)) {
    // The Python upload service (mid-2019).
    const emit = (t: Micros, status: string, msg: string) =>
      b.emit("ingress", t, (d) => P.legacyUploadService(u, d, status, msg))
    emit(t0, "received", "Upload received by ingress service")
    const p = t0 + b.ms(50, 300)
    emit(Micros.make(p), "processing", "Upload being processed by Ingress")
    const v = pup(Micros.make(p + b.ms(100, 1500))) + b.ms(50, 500)
    emit(Micros.make(v), "successful", "Validation response recieved by Ingress")
    emit(Micros.make(v + b.ms(5, 50)), "advertised", "Upload has been advertised to platform apps")
  } else {
    // The early Go ingress (2019-05 to 2019-08), which still consumed the validation topic.
    const emit = (t: Micros, status: string, msg: string, extra?: object) =>
      b.emit("ingress", t, (d) => ({ ...P.ingress(u, d, status, msg), ...extra }))
    emit(t0, "received", "Payload recived by ingress")
    const p = t0 + b.ms(50, 300)
    emit(Micros.make(p), "processing", `Sent to validation service: ${u.service}`)
    const v = pup(Micros.make(p + b.ms(100, 1500))) + b.ms(50, 500)
    emit(Micros.make(v), "validated", `Payload validated by service: ${u.service}`, {
      inventory_id: u.inventoryId,
    })
    emit(Micros.make(v + b.ms(5, 50)), "announced", "Announced to platform")
  }
}

const run = (scenario: ScenarioName, b: TraceBuilder, t0: Micros): void => {
  switch (scenario) {
    case "A":
    case "D": {
      const event = inventoryStage(b, puptooSuccess(b, ingressStage(b, t0)))!
      const failing =
        scenario === "D" ? (b.rng.chance(0.75) ? "insights-advisor-service" : "patchman") : undefined
      downstreamStage(b, event, failing)
      return
    }
    case "B":
      storageBrokerValidation(b, puptooFailure(b, ingressStage(b, t0)), "failure")
      return
    case "C":
      inventoryStage(b, puptooSuccess(b, ingressStage(b, t0)), true)
      return
    case "E":
      ingressStage(b, t0, false)
      return
    case "F":
      compliance(b, t0, b.rng.chance(0.03))
      return
    case "G":
      openshift(b, t0)
      return
    case "H":
      legacy(b, t0)
      return
  }
}

/** One payload's records through `scenario`, starting at `t0` (µs). Pure: same rng state, same trace. */
export const generateTrace = (
  rng: Rng,
  scenario: ScenarioName,
  t0: Micros,
  options: TraceOptions,
  upload: P.Upload = randomUpload(rng, SCENARIOS[scenario].service),
): Trace => {
  const b = new TraceBuilder(rng, upload, options)
  run(scenario, b, t0)
  return b.build(scenario)
}

/** For an upload of another service through the ingress stand-in: what the platform does with it. */
export const generateOtherService = (
  rng: Rng,
  upload: P.Upload,
  t0: Micros,
  options: TraceOptions,
): Trace => {
  const b = new TraceBuilder(rng, upload, options)
  const staged = ingressStage(b, t0)
  // puptoo forwards malware-detection metadata to HBI; other apps that filter on the header may stay silent.
  if (upload.service === "malware-detection") inventoryStage(b, puptooSuccess(b, staged))
  return b.build(upload.service)
}
