import { runApp } from "@pt/runtime/Main"
import { Effect } from "effect"
import { parseCli, USAGE } from "./Cli.ts"
import { runCommand } from "./Commands.ts"

const config = parseCli(process.argv.slice(2))
if (typeof config === "string") {
  process.stderr.write(config === "" ? USAGE : `${config}\n\n${USAGE}`)
  process.exit(config === "" ? 0 : 2)
}
// Settings, JSON logs at LOGLEVEL (kafkajs's included, through the adapter's logCreator) and the exit rule are
// the other processes'. The command's own report (summaries, progress) stays human text. With `--output stdout`
// the records own stdout, so the logs go to stderr.
runApp("mock producer", Effect.scoped(runCommand(config)), { stderr: config.output === "stdout" })
