import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { parseAllDocuments } from "yaml"

/** The repository's own files, read by the tests that check deployment files against the code. */
export const root = join(import.meta.dirname, "..", "..", "..")
export const read = (path: string) => readFileSync(join(root, path), "utf8")

export const yamlFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFiles(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  )

/** The ClowdApp template and the plain Kubernetes manifests. */
export const manifests: ReadonlyArray<string> = ["deploy/clowdapp.yml", ...yamlFiles("deploy/k8s")]

/** Every YAML document of a file, as plain values (a parse error fails the test naming the file). */
export const documents = (path: string): ReadonlyArray<unknown> =>
  parseAllDocuments(read(path), { merge: true }).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message}`)
    return doc.toJS() as unknown
  })

export type Node = Record<string, unknown>
export const isNode = (u: unknown): u is Node => typeof u === "object" && u !== null

/** Visits every object anywhere in a document (containers, init containers, ClowdApp pod specs). */
export const walk = (u: unknown, visit: (node: Node) => void): void => {
  if (Array.isArray(u)) for (const x of u) walk(x, visit)
  else if (isNode(u)) {
    visit(u)
    for (const v of Object.values(u)) walk(v, visit)
  }
}
