import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeHttpServer } from "@effect/platform-node"
import { afterAll, assert, describe, it } from "@effect/vitest"
import { Effect, type FileSystem, Layer, type Path } from "effect"
import { type HttpPlatform, HttpRouter } from "effect/http"
import { makeArchiveStore } from "../src/ArchiveStore.ts"
import { ALLOWED_SERVICES, ingressRoutes, serviceOf } from "../src/Ingress.ts"
import { Output } from "../src/outputs/Output.ts"
import { makePump } from "../src/Pump.ts"
import { Rng } from "../src/Random.ts"
import { storageBrokerRoutes } from "../src/StorageBroker.ts"
import { defaultTrafficConfig, Traffic } from "../src/Traffic.ts"

const publicUrl = "http://stand-in.test"
const NoOutput = Layer.succeed(Output)(
  Output.of({
    describe: "none",
    send: (rs) => Effect.succeed({ accepted: rs.length, rejected: 0, skipped: 0 }),
  }),
)
const pump = Effect.runSync(
  makePump({ batchSize: 100, concurrency: 1, tickMs: 20 }).pipe(Effect.provide(NoOutput)),
)
const traffic = new Traffic(new Rng(1), {
  ...defaultTrafficConfig,
  mix: { ...defaultTrafficConfig.mix, E: 0 },
})
const archives = makeArchiveStore(mkdtempSync(join(tmpdir(), "mock-producer-")))
const routes = Layer.mergeAll(
  ingressRoutes({
    pump,
    traffic,
    archives,
    options: {
      allowedServices: ALLOWED_SERVICES,
      maxSize: 1000,
      serviceMaxSize: { qpc: 2000 },
      denyOrgs: ["666"],
    },
  }),
  storageBrokerRoutes(archives, publicUrl),
)
const web = HttpRouter.toWebHandler(routes.pipe(Layer.provide(NodeHttpServer.layerHttpServices)), {
  disableLogger: true,
})
// Multipart uploads are persisted to temporary files and downloads are served from disk: requests need the
// file system and HTTP platform services.
const services = Effect.runSync(
  Effect.context<FileSystem.FileSystem | Path.Path | HttpPlatform.HttpPlatform>().pipe(
    Effect.provide(NodeHttpServer.layerHttpServices),
  ),
)
const handler = (request: Request) => web.handler(request, services)
const dispose = web.dispose
afterAll(() => dispose())

const post = (parts: Record<string, Blob | string>, headers: Record<string, string> = {}) => {
  const form = new FormData()
  for (const [k, v] of Object.entries(parts))
    form.append(k, v, ...(typeof v === "string" ? [] : ["archive.tar.gz"]))
  return handler(new Request(`${publicUrl}/api/ingress/v1/upload`, { method: "POST", body: form, headers }))
}
const archive = (bytes: Uint8Array, type: string) => new Blob([bytes as Uint8Array<ArrayBuffer>], { type })
const identity = (orgId: string) =>
  Buffer.from(JSON.stringify({ identity: { account_number: "1234567", org_id: orgId } })).toString("base64")

describe("ingress and storage-broker stand-ins", () => {
  it("upload → archive url → download returns the very bytes uploaded; the upload flows into the pipeline", async () => {
    const bytes = new Uint8Array(700).map((_, i) => (i * 31) % 256)
    const response = await post(
      { file: archive(bytes, "application/vnd.redhat.advisor.collection+tgz"), metadata: '{"fqdn":"host"}' },
      { "x-rh-identity": identity("42") },
    )
    assert.strictEqual(response.status, 202)
    const body = (await response.json()) as { request_id: string; upload: { org_id: string } }
    assert.match(body.request_id, /^[0-9a-f]{32}$/)
    assert.strictEqual(body.upload.org_id, "42")
    const first = pump.timeline.pop(1)[0]!.value as Record<string, unknown>
    assert.include(first, {
      service: "ingress",
      status: "received",
      request_id: body.request_id,
      org_id: "42",
    })

    const link = await handler(new Request(`${publicUrl}/archive/url?request_id=${body.request_id}`))
    const { url } = (await link.json()) as { url: string }
    assert.isTrue(url.startsWith(`${publicUrl}/archive/download/${body.request_id}?expires=`))
    const expires = Number(new URL(url).searchParams.get("expires"))
    assert.approximately(expires - Date.now() / 1000, 86_400, 5)
    const download = await handler(new Request(url))
    assert.strictEqual(download.status, 200)
    assert.deepStrictEqual(new Uint8Array(await download.arrayBuffer()), bytes)

    // Change the signature's first hex digit (replacing it with a fixed "0" left it valid 1 time in 16).
    const forgedUrl = url.replace(/signature=(.)/, (_, c: string) => `signature=${c === "0" ? "1" : "0"}`)
    assert.notStrictEqual(forgedUrl, url)
    const forged = await handler(new Request(forgedUrl))
    assert.strictEqual(forged.status, 403)
  })

  it("answers no url for an unknown or invalid request_id", async () => {
    for (const id of ["0123456789abcdef0123456789abcdef", "nope"]) {
      const response = await handler(new Request(`${publicUrl}/archive/url?request_id=${id}`))
      assert.deepStrictEqual(await response.json(), {})
    }
  })

  it("answers like ingress-go: 201, 200 test, 400, 403, 413, 415", async () => {
    const small = new Uint8Array(10)
    const advisor = "application/vnd.redhat.advisor.collection+tgz"
    assert.strictEqual((await post({ file: archive(small, advisor) })).status, 201) // no metadata: old clients
    assert.strictEqual(
      (await post({ upload: archive(small, "application/vnd.redhat.compliance.x+tgz") })).status,
      202,
    )
    assert.strictEqual((await post({ test: "test" })).status, 200)
    assert.strictEqual((await post({ other: archive(small, advisor) })).status, 400)
    assert.strictEqual(
      (await post({ file: archive(small, advisor) }, { "x-rh-identity": identity("666") })).status,
      403,
    )
    const big = await post({ file: archive(new Uint8Array(1500), advisor) })
    assert.strictEqual(big.status, 413)
    assert.strictEqual(await big.text(), "File exceeds maximum file size (1000) for upload: 1500")
    // qpc has a larger limit.
    assert.strictEqual(
      (await post({ file: archive(new Uint8Array(1500), "application/vnd.redhat.qpc.tar+tgz") })).status,
      202,
    )
    assert.strictEqual((await post({ file: archive(small, "text/plain") })).status, 415)
    assert.strictEqual(
      (await post({ file: archive(small, "application/vnd.redhat.unknown-svc.x+tgz") })).status,
      415,
    )
  })
})

describe("content type → service (docs/mock-producer.md)", () => {
  it("maps vnd.redhat types anywhere in the string and plain gzip to advisor", () => {
    assert.strictEqual(serviceOf("application/vnd.redhat.advisor.collection+tgz"), "advisor")
    assert.strictEqual(serviceOf("application/vnd.redhat.openshift.periodic+tar"), "openshift")
    assert.strictEqual(serviceOf("x; application/vnd.redhat.qpc.tar+tgz"), "qpc")
    assert.strictEqual(serviceOf("application/gzip"), "advisor")
    assert.strictEqual(serviceOf("application/x-gzip; charset=binary"), "advisor")
    assert.isUndefined(serviceOf("text/plain"))
  })
})
