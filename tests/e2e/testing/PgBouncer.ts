import { execFile } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

const run = promisify(execFile)
const script = fileURLToPath(new URL("../../../scripts/pgbouncer.sh", import.meta.url))

/**
 * A PgBouncer of the test's own (scripts/pgbouncer.sh: transaction pooling, its own directory and port) in front
 * of `upstream`; the script installs Debian's pgbouncer when missing and fails when it cannot.
 */
export const startPgBouncer = async (upstream: string) => {
  const dir = mkdtempSync(join(tmpdir(), "pt-pgbouncer-"))
  const sh = (...args: Array<string>) =>
    run("bash", [script, ...args], {
      env: { ...process.env, PT_PGB_DIR: dir, DATABASE_URL: upstream },
      timeout: 300_000,
    }).then((r) => r.stdout)
  const url = /^PGBOUNCER_URL=(.+)$/m.exec(await sh("start"))?.[1]
  if (url === undefined) throw new Error("scripts/pgbouncer.sh printed no PGBOUNCER_URL")
  return {
    /** `upstream` with PgBouncer's host and port: any database name goes to the same-named one upstream. */
    url,
    /** The same database through PgBouncer. */
    pooled: (databaseUrl: string) => {
      const u = new URL(databaseUrl)
      const p = new URL(url)
      u.host = p.host
      return u.toString()
    },
    stop: () => sh("stop", "--wipe"),
  }
}
