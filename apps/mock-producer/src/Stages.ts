import { Micros } from "@pt/domain/Timestamp"
import * as P from "./Producers.ts"
import type { TraceBuilder } from "./Trace.ts"

/**
 * The pipeline stages, each emitting its service's statuses with realistic delays (docs/pipeline.md, "Scenarios A–H") and
 * returning the time the next stage can start. Offsets are [assumption] ranges around the recorded figures.
 */

const REJECT_BUCKET = "insights-upload-rejected"
export const OPENSHIFT_BUCKET = "insights-buck-it-openshift"

/** ingress `received`, then `success` once staged to S3; `staged = false` is the HTTP 500 case (E). */
export const ingressStage = (b: TraceBuilder, t0: Micros, staged = true): Micros => {
  const u = b.upload
  b.emit("ingress", t0, (d) => P.ingress(u, d, "received", "Payload received by ingress"))
  if (!staged) return t0
  const t = t0 + b.ms(50, 500)
  b.emit("ingress", Micros.make(t), (d) =>
    P.ingress(u, d, "success", `Sent to validation service: ${u.service}`),
  )
  return Micros.make(t)
}

/** puptoo handles the announce message: ≈1 s to extract facts and send them to inventory. */
export const puptooSuccess = (b: TraceBuilder, t: Micros): Micros => {
  const u = b.upload
  let r = t + b.ms(100, 2000)
  b.emit("puptoo", Micros.make(r), (d) => P.puptoo(u, d, "received", "Received message"))
  if (b.rng.chance(b.options.retryRate)) {
    // The pod died mid-way; the redelivered message starts over (the Redis counter allows 3 attempts).
    r += b.ms(1000, 6000)
    b.emit("puptoo", Micros.make(r), (d) => P.puptoo(u, d, "received", "Received message"))
  }
  const s = r + b.ms(700, 1300)
  b.emit("puptoo", Micros.make(s), (d) => P.puptoo(u, d, "success", "Message sent to inventory"))
  return Micros.make(s)
}

const PUPTOO_REASONS = [
  "Missing canonical fact(s).",
  "Empty facts extracted.",
  "process_archive failure: InvalidContentType: Invalid content type: 'application/octet-stream'",
  "process_archive failure: InvalidArchive: Unable to extract archive",
]

/** puptoo cannot extract facts: `error`, validation failure to storage-broker, then `failed`. */
export const puptooFailure = (b: TraceBuilder, t: Micros): Micros => {
  const u = b.upload
  const r = t + b.ms(100, 2000)
  b.emit("puptoo", Micros.make(r), (d) => P.puptoo(u, d, "received", "Received message"))
  const e = r + b.ms(200, 1200)
  const reason = b.rng.pick(PUPTOO_REASONS)
  b.emit("puptoo", Micros.make(e), (d) =>
    P.puptoo(u, d, "error", `Unable to extract facts of ${u.service} service: ${reason}`),
  )
  const f = e + b.ms(5, 30)
  b.emit("puptoo", Micros.make(f), (d) =>
    P.puptoo(u, d, "failed", "Validation failure. Message sent to storage broker"),
  )
  return Micros.make(f)
}

/** storage-broker consumes a validation response: two `received`, then `success` whatever the verdict. */
export const storageBrokerValidation = (
  b: TraceBuilder,
  t: Micros,
  verdict: "success" | "failure",
): Micros => {
  const u = b.upload
  const r1 = t + b.ms(20, 400)
  b.emit("storage-broker", Micros.make(r1), (d) =>
    P.storageBroker(u, d, "received", `received message from ${u.service}`),
  )
  const r2 = r1 + b.ms(1, 10)
  b.emit("storage-broker", Micros.make(r2), (d) =>
    P.storageBroker(u, d, "received", `received validation response from ${u.service}`),
  )
  const s = r2 + b.ms(20, 300)
  const msg =
    verdict === "success"
      ? `payload validation successful for ${u.service} payload`
      : `copied payload to ${REJECT_BUCKET}`
  b.emit("storage-broker", Micros.make(s), (d) => P.storageBroker(u, d, "success", msg))
  return Micros.make(s)
}

const HBI_ERRORS = [
  "ValidationException encountered in (handle_message): org_id must be provided",
  "ValidationException encountered in (handle_message): The owner in host does not match the owner in identity",
  "ValidationException encountered in (add_host): {'system_profile': ['Invalid value for operating_system']}",
]

/** inventory-mq-service: the current order; returns when the host event is out, or undefined on rejection. */
export const inventoryStage = (b: TraceBuilder, t: Micros, rejects = false): Micros | undefined => {
  const u = b.upload
  const r = t + b.ms(8, 30)
  b.emit("inventory-mq-service", Micros.make(r), (d) => P.inventory(u, d, "received", "message received"))
  if (rejects) {
    const e = r + b.ms(5, 60)
    const msg = b.rng.pick(HBI_ERRORS)
    b.emit("inventory-mq-service", Micros.make(e), (d) => P.inventory(u, d, "error", msg))
    return undefined
  }
  b.emit("inventory-mq-service", Micros.make(r + b.ms(10, 60)), (d) => P.inventory(u, d, "success"))
  const withIds = { ids: b.rng.chance(0.5) }
  const p = r + b.ms(70, 140)
  b.emit("inventory-mq-service", Micros.make(p), (d) =>
    P.inventory(u, d, "processing", "host operation complete", withIds),
  )
  const ps = p + b.ms(2, 15)
  b.emit("inventory-mq-service", Micros.make(ps), (d) =>
    P.inventory(u, d, "processing_success", undefined, withIds),
  )
  return Micros.make(ps)
}

type FailingApp = "insights-advisor-service" | "patchman"

const ADVISOR_ERRORS = [
  "Failed to process upload: Traceback (most recent call last):\n  File \"/opt/app-root/src/api/advisor/service.py\", line 412, in handle_engine_results\nKeyError: 'system'",
  "Could not create host: Traceback (most recent call last):\n  IntegrityError: duplicate key value violates unique constraint",
  "Failure processing engine results.",
]

/** The apps fed by HBI's event run in parallel, so their statuses interleave (docs/pipeline.md, scenario A). */
export const downstreamStage = (b: TraceBuilder, t: Micros, failing?: FailingApp): void => {
  const u = b.upload
  const app = (service: string, lo: number, hi: number) => {
    const r = t + b.ms(20, 300)
    b.emit(service, Micros.make(r), (d) => P.platformApp(service, u, d, "received"))
    const s = r + b.ms(lo, hi)
    b.emit(service, Micros.make(s), (d) => P.platformApp(service, u, d, "success"))
    return s
  }
  const engineDone = app("insights-engine", 1200, 2400)
  const ar = engineDone + b.ms(20, 200)
  b.emit("insights-advisor-service", Micros.make(ar), (d) =>
    P.advisor(u, d, "received", "Processing engine results"),
  )
  const as = ar + b.ms(40, 110)
  if (failing === "insights-advisor-service") {
    const msg = b.rng.pick(ADVISOR_ERRORS)
    b.emit("insights-advisor-service", Micros.make(as), (d) => P.advisor(u, d, "error", msg))
  } else {
    const reports = b.rng.int(0, 12)
    b.emit("insights-advisor-service", Micros.make(as), (d) =>
      P.advisor(u, d, "success", `Successfully logged ${reports} reports.`),
    )
  }
  // Not every host is subscribed to every app.
  if (b.rng.chance(0.8)) {
    app("vulnerability-rules", 800, 1500)
    app("vulnerability-vmaas", 2000, 3500)
  }
  if (failing === "patchman" || b.rng.chance(0.8)) {
    const pr = t + b.ms(20, 400)
    b.emit("patchman", Micros.make(pr), (d) => P.patchman(u, d, "received", "Received by listener"))
    const status = failing === "patchman" ? "error" : "success"
    b.emit("patchman", Micros.make(pr + b.ms(300, 1500)), (d) =>
      P.patchman(u, d, status, "advisories evaluation"),
    )
  }
  app("hsp-archiver", 40, 100)
}
