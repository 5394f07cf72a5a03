import { readdirSync } from "node:fs"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { documents, isNode, manifests, type Node, read, root, walk, yamlFiles } from "./RepoFiles.ts"

// The deployment files may set only settings the README documents and the code reads: a misspelt or retired name
// would otherwise be ignored silently (every setting has a default) and the pod would run on that default.

interface EnvUse {
  readonly file: string
  readonly name: string
  readonly configMapKey?: string
}

const envUses = (file: string): ReadonlyArray<EnvUse> => {
  const uses: Array<EnvUse> = []
  for (const doc of documents(file))
    walk(doc, (node) => {
      // Names must be visible to this test: envFrom would import whatever keys a ConfigMap happens to hold.
      if ("envFrom" in node) throw new Error(`${file}: envFrom hides the variable names; list each under env`)
      if (!Array.isArray(node.env)) return
      for (const e of node.env as ReadonlyArray<Node>) {
        const ref =
          isNode(e.valueFrom) && isNode(e.valueFrom.configMapKeyRef) ? e.valueFrom.configMapKeyRef : undefined
        uses.push({ file, name: String(e.name), ...(ref ? { configMapKey: String(ref.key) } : {}) })
      }
    })
  return uses
}

/** The app services of docker-compose.yml (the ones built from this repository), after YAML merge keys. */
const composeUses = (): ReadonlyArray<EnvUse> => {
  const [doc] = documents("docker-compose.yml") as ReadonlyArray<{ services: Record<string, Node> }>
  return Object.entries(doc?.services ?? {})
    .filter(([, s]) => s.image === "payload-tracker:local")
    .flatMap(([service, s]) =>
      Object.keys(isNode(s.environment) ? s.environment : {}).map((name) => ({
        file: `docker-compose.yml (${service})`,
        name,
      })),
    )
}

/** The setting names of the README's configuration table: every backticked name in the first column. */
const documented = (): ReadonlySet<string> => {
  const section =
    read("README.md")
      .split(/^## Configuration$/m)[1]
      ?.split(/^## /m)[0] ?? ""
  const names = section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .flatMap((line) =>
      [...(line.split("|")[1] ?? "").matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1] as string),
    )
  return new Set(names)
}

/** Source of the processes (not tests): a name is read when it appears as a string literal or `env.NAME`. */
const sources = (): string => {
  const dirs = ["apps", "packages"].flatMap((top) =>
    readdirSync(join(root, top)).map((pkg) => join(top, pkg, "src")),
  )
  const files = (dir: string): ReadonlyArray<string> => {
    try {
      return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
      )
    } catch {
      return []
    }
  }
  return dirs.flatMap(files).map(read).join("\n")
}

// Read by Node itself rather than by our code, so no source names it (the README table does, for operators);
// NodeFlags.test.ts checks instead that every manifest sets it to exactly the value NodeFlags.ts decides.
const NODE_RUNTIME_VARIABLES: ReadonlySet<string> = new Set(["NODE_OPTIONS"])

describe("deployment manifests", () => {
  const docs = documented()
  const code = sources()
  const isRead = (name: string) => code.includes(`"${name}"`) || new RegExp(`\\benv\\.${name}\\b`).test(code)
  const uses = [...manifests.flatMap(envUses), ...composeUses()].filter(
    (u) => !NODE_RUNTIME_VARIABLES.has(u.name),
  )

  it("finds the README table, the code and the manifests' variables", () => {
    expect(docs.has("DATABASE_URL") && docs.has("METRICSPORT")).toBe(true)
    expect(isRead("KAFKA_TOPIC")).toBe(true)
    const files = new Set(uses.map((u) => u.file.split(" ")[0]))
    for (const f of [
      "deploy/clowdapp.yml",
      "deploy/k8s/api.yml",
      "deploy/k8s/consumer.yml",
      "docker-compose.yml",
    ])
      expect(files.has(f), f).toBe(true)
  })

  it("sets only variables the README documents", () => {
    const unknown = uses.filter((u) => !docs.has(u.name)).map((u) => `${u.file}: ${u.name}`)
    expect(unknown, "not in README.md's configuration table").toEqual([])
  })

  it("sets only variables the code reads", () => {
    const unread = uses.filter((u) => !isRead(u.name)).map((u) => `${u.file}: ${u.name}`)
    expect(unread, "no process reads these").toEqual([])
  })

  it("refers only to ConfigMap keys the manifest set defines, each a documented name", () => {
    const keys = new Set(
      yamlFiles("deploy/k8s")
        .flatMap(documents)
        .filter((d): d is Node => isNode(d) && d.kind === "ConfigMap")
        .flatMap((d) => Object.keys(isNode(d.data) ? d.data : {})),
    )
    const missing = uses.filter((u) => u.configMapKey !== undefined && !keys.has(u.configMapKey))
    expect(missing.map((u) => `${u.file}: ${u.configMapKey}`)).toEqual([])
    expect([...keys].filter((k) => !docs.has(k))).toEqual([])
  })
})
