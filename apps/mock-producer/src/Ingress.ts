import { stat } from "node:fs/promises"
import { normalizeRequestId } from "@pt/domain/RequestId"
import { Micros } from "@pt/domain/Timestamp"
import { ByteSize, Clock, Effect, Layer } from "effect"
import { HttpRouter, HttpServerRequest, HttpServerResponse, Multipart } from "effect/http"
import type { ArchiveStore } from "./ArchiveStore.ts"
import type { Pump } from "./Pump.ts"
import { generateOtherService, generateTrace, randomUpload } from "./Scenarios.ts"
import { pickScenario, type Traffic } from "./Traffic.ts"

/** Production's allowed services (docs/mock-producer.md, "Stand-ins"). */
export const ALLOWED_SERVICES =
  "advisor,compliance,hccm,qpc,rhv,tower,leapp-reporting,xavier,mkt,playbook,playbook-sat,resource-optimization,malware-detection,pinakes,assisted-installer,runtimes-java-general,openshift,tasks,automation-hub,aap-billing-controller,aap-event-driven-ansible,ols,ocm-assisted-chat,rhos-lightspeed".split(
    ",",
  )

interface IngressOptions {
  readonly allowedServices: ReadonlyArray<string>
  /** Default 100 MiB; the 413 message always quotes it. */
  readonly maxSize: number
  /** Per-service overrides (qpc: 150 MiB). */
  readonly serviceMaxSize: Readonly<Record<string, number>>
  readonly denyOrgs: ReadonlyArray<string>
}

const CONTENT_TYPE = /application\/vnd\.redhat\.([a-z0-9-]+)\.([a-z0-9-]+)/
const GZIP = new Set([
  "application/x-gzip; charset=binary",
  "application/gzip",
  "application/gzip; charset=binary",
])

/** Content type → service, like Go ingress: the vnd.redhat pattern anywhere, plain gzip = advisor. */
export const serviceOf = (contentType: string): string | undefined =>
  GZIP.has(contentType.trim().toLowerCase()) ? "advisor" : CONTENT_TYPE.exec(contentType)?.[1]

// Developers curl without a gateway: no identity means a fixed development tenant instead of 401.
const DEV_IDENTITY = { account: "0000001", orgId: "000001" }

const identityOf = (header: string | undefined): { account: string; orgId: string } | undefined => {
  if (header === undefined || header === "") return DEV_IDENTITY
  try {
    const id = (
      JSON.parse(Buffer.from(header, "base64").toString("utf8")) as { identity?: Record<string, unknown> }
    ).identity
    const internal = id?.internal as { org_id?: unknown } | undefined
    const orgId = String(id?.org_id ?? internal?.org_id ?? "")
    return orgId === "" ? undefined : { account: String(id?.account_number ?? ""), orgId }
  } catch {
    return undefined
  }
}

const field = (form: Multipart.Persisted, name: string) => {
  const v = form[name]
  return typeof v === "string" ? v : v?.[0]
}

/**
 * `POST /api/ingress/v1/upload` (and the legacy `/r/insights/platform/...` path), answering as insights-ingress-go
 * does (docs/mock-producer.md, "Stand-ins"). An accepted upload is kept on disk and then flows through the simulated pipeline
 * for its service: its statuses are scheduled on the pump, starting now.
 */
export const ingressRoutes = (deps: {
  readonly pump: Pump
  readonly traffic: Traffic
  readonly archives: ArchiveStore
  readonly options: IngressOptions
}) => {
  const { pump, traffic, archives, options } = deps
  const largest = Math.max(options.maxSize, ...Object.values(options.serviceMaxSize))
  const upload = Effect.gen(function* () {
    const request = yield* HttpServerRequest.HttpServerRequest
    const identity = identityOf(request.headers["x-rh-identity"])
    if (identity === undefined)
      return HttpServerResponse.text("Bad Request: invalid x-rh-identity", { status: 401 })
    const parsed = yield* request.multipart.pipe(
      Effect.provideService(Multipart.MaxFileSize, ByteSize.bytes(largest)),
      Effect.result,
    )
    if (parsed._tag === "Failure") {
      const tooLarge =
        parsed.failure.reason._tag === "FileTooLarge" || parsed.failure.reason._tag === "BodyTooLarge"
      const size = request.headers["content-length"] ?? "unknown"
      return tooLarge
        ? HttpServerResponse.text(`File exceeds maximum file size (${options.maxSize}) for upload: ${size}`, {
            status: 413,
          })
        : HttpServerResponse.text("File or upload field not found", { status: 400 })
    }
    const form = parsed.success
    const answer = (requestId: string, status: number) =>
      HttpServerResponse.jsonUnsafe(
        { request_id: requestId, upload: { account_number: identity.account, org_id: identity.orgId } },
        { status },
      )
    const requestId =
      normalizeRequestId(request.headers["x-rh-insights-request-id"] ?? "") ?? traffic.rng.requestId()
    if (field(form, "test") === "test") return answer(requestId, 200)
    const file = field(form, "file") ?? field(form, "upload")
    if (file === undefined || typeof file === "string") {
      return HttpServerResponse.text("File or upload field not found", { status: 400 })
    }
    const service = serviceOf(file.contentType)
    if (service === undefined || !options.allowedServices.includes(service))
      return HttpServerResponse.empty({ status: 415 })
    const size = (yield* Effect.promise(() => stat(file.path))).size
    if (size > (options.serviceMaxSize[service] ?? options.maxSize)) {
      return HttpServerResponse.text(
        `File exceeds maximum file size (${options.maxSize}) for upload: ${size}`,
        { status: 413 },
      )
    }
    if (options.denyOrgs.includes(identity.orgId)) {
      return HttpServerResponse.text("Upload denied. Please contact Red Hat Support.", { status: 403 })
    }

    const now = (yield* Clock.currentTimeMillis) * 1000
    const u = {
      ...randomUpload(traffic.rng, service, requestId),
      account: identity.account,
      orgId: identity.orgId,
    }
    const { mix, trace: traceOptions } = traffic.config
    const advisorMix = { ...mix, F: 0, G: 0, H: 0 }
    const total = Object.values(mix).reduce((a, b) => a + b, 0)
    const scenario =
      service === "advisor"
        ? pickScenario(traffic.rng, advisorMix)
        : traffic.rng.chance(mix.E / total)
          ? "E"
          : undefined
    if (scenario === "E") {
      // Staging to S3 failed: `received` was already sent, nothing is stored, the client gets a 500.
      pump.timeline.push(generateTrace(traffic.rng, "E", Micros.make(now), traceOptions, u))
      return HttpServerResponse.text("Internal Server Error", { status: 500 })
    }
    yield* archives.save(
      {
        request_id: requestId,
        service,
        content_type: file.contentType,
        file_name: file.name,
        size,
        account: identity.account,
        org_id: identity.orgId,
        stored_at: new Date(now / 1000).toISOString(),
      },
      file.path,
    )
    const trace =
      scenario !== undefined
        ? generateTrace(traffic.rng, scenario, Micros.make(now), traceOptions, u)
        : service === "compliance"
          ? generateTrace(traffic.rng, "F", Micros.make(now), traceOptions, u)
          : service === "openshift"
            ? generateTrace(traffic.rng, "G", Micros.make(now), traceOptions, u)
            : generateOtherService(traffic.rng, u, Micros.make(now), traceOptions)
    traffic.counts[`upload:${trace.scenario}`] = (traffic.counts[`upload:${trace.scenario}`] ?? 0) + 1
    pump.timeline.push(trace)
    // Old insights-client versions send advisor archives without metadata and expect 201.
    return answer(requestId, service === "advisor" && field(form, "metadata") === undefined ? 201 : 202)
  }).pipe(Effect.scoped)

  return Layer.mergeAll(
    HttpRouter.add("POST", "/api/ingress/v1/upload", upload),
    HttpRouter.add("POST", "/r/insights/platform/ingress/v1/upload", upload),
    HttpRouter.add("GET", "/api/ingress/v1/", HttpServerResponse.text("lubdub")),
    HttpRouter.add("GET", "/health", HttpServerResponse.text("ok")),
  )
}
