import { NodeRuntime } from "@effect/platform-node"
import { Cause, Effect, Logger } from "effect"
import { parseCli, USAGE } from "./Cli.ts"
import { runCommand } from "./Commands.ts"

const config = parseCli(process.argv.slice(2))
if (typeof config === "string") {
  process.stderr.write(config === "" ? USAGE : `${config}\n\n${USAGE}`)
  process.exit(config === "" ? 0 : 2)
}
// Logs (kafkajs's included, through the adapter's logCreator) are JSON lines like the other processes'; the
// failure that ends the program is logged inside that logger, not by runMain's default (non-JSON) one. The
// command's own report (summaries, progress) stays human text. With `--output stdout` the records own stdout,
// so the logs go to stderr.
const logger = Logger.withConsoleError(Logger.formatJson)
NodeRuntime.runMain(
  runCommand(config).pipe(
    Effect.scoped,
    Effect.tapCause((cause) =>
      Cause.hasInterruptsOnly(cause) ? Effect.void : Effect.logError("mock producer stopped", cause),
    ),
    Effect.provide(Logger.layer([config.output === "stdout" ? logger : Logger.consoleJson])),
  ),
  { disableErrorReporting: true },
)
