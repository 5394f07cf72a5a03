import { createHmac, randomBytes, timingSafeEqual } from "node:crypto"
import { copyFile, mkdir, readFile, rename, stat, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { Effect } from "effect"

interface ArchiveMeta {
  readonly request_id: string
  readonly service: string
  readonly content_type: string
  readonly file_name: string
  readonly size: number
  readonly account: string
  readonly org_id: string
  readonly stored_at: string
}

/**
 * The stage bucket of the stand-ins: uploaded archives on local disk, `<dataDir>/archives/<request_id>` (the
 * object key is the request_id, as in ingress), with a JSON sidecar, and 24 h presigned-style download URLs.
 */
export const makeArchiveStore = (dataDir: string, secret: string = randomBytes(32).toString("hex")) => {
  const dir = join(dataDir, "archives")
  const path = (id: string) => join(dir, id)
  const sign = (id: string, expires: number) =>
    createHmac("sha256", secret).update(`${id}:${expires}`).digest("hex")

  const save = (meta: ArchiveMeta, fromPath: string) =>
    Effect.promise(async () => {
      await mkdir(dir, { recursive: true })
      // Copy then rename, so a reader never sees half a file.
      await copyFile(fromPath, `${path(meta.request_id)}.tmp`)
      await rename(`${path(meta.request_id)}.tmp`, path(meta.request_id))
      await writeFile(`${path(meta.request_id)}.json`, JSON.stringify(meta))
    })

  const meta = (id: string) =>
    Effect.promise(async (): Promise<ArchiveMeta | undefined> => {
      try {
        await stat(path(id))
        return JSON.parse(await readFile(`${path(id)}.json`, "utf8")) as ArchiveMeta
      } catch {
        return undefined
      }
    })

  /** A download URL valid for `ttlSeconds` (the storage broker's presigned URLs last 24 h). */
  const downloadUrl = (publicUrl: string, id: string, nowMs: number, ttlSeconds = 86_400): string => {
    const expires = Math.floor(nowMs / 1000) + ttlSeconds
    return `${publicUrl.replace(/\/$/, "")}/archive/download/${id}?expires=${expires}&signature=${sign(id, expires)}`
  }

  const verify = (
    id: string,
    expires: number,
    signature: string,
    nowMs: number,
  ): "ok" | "expired" | "invalid" => {
    const expected = Buffer.from(sign(id, expires))
    const given = Buffer.from(signature)
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "invalid"
    return nowMs / 1000 > expires ? "expired" : "ok"
  }

  return { dir, path, save, meta, downloadUrl, verify }
}

export type ArchiveStore = ReturnType<typeof makeArchiveStore>
