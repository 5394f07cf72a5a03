import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { parseCli, USAGE } from "./Cli.ts"
import { runCommand } from "./Commands.ts"

const config = parseCli(process.argv.slice(2))
if (typeof config === "string") {
  process.stderr.write(config === "" ? USAGE : `${config}\n\n${USAGE}`)
  process.exit(config === "" ? 0 : 2)
}
NodeRuntime.runMain(runCommand(config).pipe(Effect.scoped))
