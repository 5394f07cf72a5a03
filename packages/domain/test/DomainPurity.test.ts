import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"

// The hexagon's core: the domain may import `effect` and its own files, nothing else (no I/O, no adapters).
const sourceFiles = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? sourceFiles(join(dir, entry.name))
      : entry.name.endsWith(".ts")
        ? [join(dir, entry.name)]
        : [],
  )

describe("domain purity", () => {
  it("imports only effect and relative modules", () => {
    const offending = sourceFiles(join(import.meta.dirname, "../src")).flatMap((file) =>
      [...readFileSync(file, "utf8").matchAll(/(?:import|export)[^"']*from\s+["']([^"']+)["']/g)]
        .map((m) => m[1]!)
        .filter((spec) => !(spec === "effect" || spec.startsWith("effect/") || spec.startsWith(".")))
        .map((spec) => `${file}: ${spec}`),
    )
    assert.deepStrictEqual(offending, [])
  })
})
