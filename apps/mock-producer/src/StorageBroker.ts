import { normalizeRequestId } from "@pt/domain/RequestId"
import { Clock, Effect, Layer } from "effect"
import { HttpRouter, type HttpServerRequest, HttpServerResponse } from "effect/http"
import type { ArchiveStore } from "./ArchiveStore.ts"

const query = (request: HttpServerRequest.HttpServerRequest) =>
  new URL(request.url, "http://localhost").searchParams

/**
 * The storage broker's archive-URL endpoint, as the tracker's archiveLink calls it (`GET <STORAGEBROKERURL>
 * ?request_id=<id>`): `{"url": "<download url, valid 24 h>"}` for a stored archive, `{}` (no url) otherwise.
 * Plus the download route the URL points at, standing in for S3's presigned GET.
 */
export const storageBrokerRoutes = (archives: ArchiveStore, publicUrl: string) =>
  Layer.mergeAll(
    HttpRouter.add("GET", "/archive/url", (request) =>
      Effect.gen(function* () {
        const id = normalizeRequestId(query(request).get("request_id") ?? "")
        const meta = id === undefined ? undefined : yield* archives.meta(id)
        if (id === undefined || meta === undefined) return HttpServerResponse.jsonUnsafe({})
        return HttpServerResponse.jsonUnsafe({
          url: archives.downloadUrl(publicUrl, id, yield* Clock.currentTimeMillis),
        })
      }),
    ),
    HttpRouter.add("GET", "/archive/download/:id", (request) =>
      Effect.gen(function* () {
        const params = query(request)
        const id = normalizeRequestId(
          new URL(request.url, "http://localhost").pathname.split("/").pop() ?? "",
        )
        const verdict =
          id === undefined
            ? "invalid"
            : archives.verify(
                id,
                Number(params.get("expires")),
                params.get("signature") ?? "",
                yield* Clock.currentTimeMillis,
              )
        if (verdict !== "ok") {
          const message = verdict === "expired" ? "Request has expired" : "SignatureDoesNotMatch"
          return HttpServerResponse.text(message, { status: 403 })
        }
        const meta = yield* archives.meta(id!)
        if (meta === undefined) return HttpServerResponse.text("NoSuchKey", { status: 404 })
        return yield* HttpServerResponse.file(archives.path(id!), {
          contentType: "application/gzip",
          headers: { "content-disposition": `attachment; filename="${id}.tar.gz"` },
        }).pipe(Effect.orDie)
      }),
    ),
  )
