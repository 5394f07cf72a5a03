import { createRequire } from "node:module"
import type { Page } from "playwright-core"

/**
 * axe-core (from npm, injected into the page: no network) run on the whole document. Returns the serious and
 * critical violations as one line each (rule, impact, the first offending nodes), so a failing test says what
 * to fix.
 */
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js")

interface AxeViolation {
  readonly id: string
  readonly impact?: string | null
  readonly help: string
  readonly nodes: ReadonlyArray<{ readonly target: ReadonlyArray<unknown> }>
}

export const seriousA11yViolations = async (page: Page): Promise<Array<string>> => {
  await page.addScriptTag({ path: AXE })
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }
    ).axe
    const result = (await axe.run(document, { resultTypes: ["violations"] })) as {
      violations: ReadonlyArray<AxeViolation>
    }
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }))
  })
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes
          .slice(0, 5)
          .map((n) => JSON.stringify(n.target))
          .join(", ")}`,
    )
}
