import { describe, expect, it } from "vitest"
import { API_HEAP_FLAGS, CONSUMER_HEAP_FLAGS, NODE_OPTIONS, withNodeOptions } from "../src/NodeFlags.ts"
import { documents, isNode, manifests, type Node, read, walk } from "./RepoFiles.ts"

// NodeFlags.ts decides the heap limits; the files that start the processes outside this code (the image, the
// deploy manifests, compose, package scripts) must carry that value, not a copy that drifted.

/** Every container (or ClowdApp pod spec) that runs an app's main.ts, with its NODE_OPTIONS value. */
const appContainers = (file: string) => {
  const docs = documents(file)
  // The template's parameters: ${NODE_OPTIONS} stands for the parameter's value.
  const parameters = new Map<string, string>()
  for (const doc of docs)
    if (isNode(doc) && Array.isArray(doc.parameters))
      for (const p of doc.parameters as ReadonlyArray<Node>)
        parameters.set(String(p.name), String(p.value ?? ""))
  const found: Array<{
    readonly file: string
    readonly app: "api" | "consumer"
    readonly command: string
    readonly nodeOptions?: string
  }> = []
  for (const doc of docs)
    walk(doc, (node) => {
      const command = Array.isArray(node.command) ? node.command.join(" ") : ""
      const app = /apps\/(api|consumer)\/src\/main\.ts/.exec(command)?.[1] as "api" | "consumer" | undefined
      if (app === undefined) return
      const env = (Array.isArray(node.env) ? node.env : []) as ReadonlyArray<Node>
      const raw = env.find((e) => e.name === "NODE_OPTIONS")?.value
      const value =
        typeof raw === "string"
          ? raw.replace(/^\$\{(\w+)\}$/, (_, name: string) => parameters.get(name) ?? "")
          : undefined
      found.push({ file, app, command, ...(value === undefined ? {} : { nodeOptions: value }) })
    })
  return found
}

describe("V8 heap flags (NodeFlags.ts)", () => {
  it("are the image's NODE_OPTIONS, the API's (its default command)", () => {
    const env = /^ENV .*NODE_OPTIONS="([^"]*)"/m.exec(read("Dockerfile"))?.[1]
    expect(env).toBe(NODE_OPTIONS.api)
    expect(read("Dockerfile")).toMatch(/^CMD \["node", "apps\/api\/src\/main\.ts"\]$/m)
  })

  it("are set, with exactly the app's value, beside every API and consumer deployment", () => {
    const containers = manifests.flatMap(appContainers)
    // api + consumer in the ClowdApp and in the Kubernetes set
    expect(containers.length).toBe(4)
    expect(new Set(containers.map((c) => c.app))).toEqual(new Set(["api", "consumer"]))
    for (const c of containers) expect(c.nodeOptions, `${c.file}: ${c.command}`).toBe(NODE_OPTIONS[c.app])
  })

  it("have no other value anywhere a process is started from", () => {
    const places = [
      "Dockerfile",
      "docker-compose.yml",
      ...manifests,
      ...["api", "consumer", "mock-producer"].map((app) => `apps/${app}/package.json`),
    ]
    const stray = places.flatMap((file) =>
      [...read(file).matchAll(/--max-(?:old|semi)-space-size=\d+/g)]
        .map((m) => m[0])
        .filter((flag) => !API_HEAP_FLAGS.includes(flag) && !CONSUMER_HEAP_FLAGS.includes(flag))
        .map((flag) => `${file}: ${flag}`),
    )
    expect(stray).toEqual([])
  })

  it("come first in NODE_OPTIONS, so a caller's own options (later, hence winning) still apply", () => {
    expect(withNodeOptions({}).NODE_OPTIONS).toBe(NODE_OPTIONS.api)
    expect(withNodeOptions({ NODE_OPTIONS: "--max-old-space-size=300 --cpu-prof" }).NODE_OPTIONS).toBe(
      `${NODE_OPTIONS.api} --max-old-space-size=300 --cpu-prof`,
    )
    expect(withNodeOptions({ NODE_OPTIONS: "--cpu-prof" }, "").NODE_OPTIONS).toBe("--cpu-prof")
  })
})
