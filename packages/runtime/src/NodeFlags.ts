/**
 * The V8 heap limits of the tracker's processes (API, consumer): the one place that decides them. Without them
 * V8 sizes the heap from the machine's memory (on a 24 GiB host the old space may reach ≈4 GB before a full
 * GC is forced), so a process whose live set is ≈50 MB sits at several hundred MB of RSS and a 512 MiB pod is
 * OOM-killed under load. With them a major GC runs long before that; docs/operations.md ("Memory") has the
 * measured figures.
 *
 * They travel as NODE_OPTIONS, which Node itself reads (no code of ours does): the Dockerfile's ENV sets it for
 * every process of the image, the deploy manifests set each app's value beside its pod's memory limit (raise
 * both together), and `./pt start` and the benchmarks pass it to the processes they start.
 * packages/runtime/test/NodeFlags.test.ts checks that every one of those places carries exactly these values.
 */
// Semi-space 8 MB for both: V8's default on a large host is 64 MB, i.e. 128 MB of young generation kept resident.
const SEMI_SPACE = "--max-semi-space-size=8"

// API: old space 128 MB. Its idle live set is ≈ 45 MB (mostly module code) and 2,000 open live views add
// ≈ 26 KB each (≈ 52 MB; heap snapshot, bench:sse), so ≈ 100 MB stay live. With 192 MB V8 let the garbage of
// connecting and answering 2,000 views lift the RSS to 253–259 MB; with 128 MB it stayed at 242–244 MB, and
// bench:api's scenarios at 186 MB.
export const API_HEAP_FLAGS: ReadonlyArray<string> = ["--max-old-space-size=128", SEMI_SPACE]

// Consumer: old space 128 MB. A batch's objects live long enough to be promoted; its live set is ≈ 50 MB and
// 128 MB keeps its RSS near 220 MB at full rate (bench:ingest), where 192 MB let it reach ≈ 240 MB.
export const CONSUMER_HEAP_FLAGS: ReadonlyArray<string> = ["--max-old-space-size=128", SEMI_SPACE]

/** The NODE_OPTIONS value of each app (the image's ENV carries the API's: its default command). */
export const NODE_OPTIONS = {
  api: API_HEAP_FLAGS.join(" "),
  consumer: CONSUMER_HEAP_FLAGS.join(" "),
} as const

/**
 * `env` with NODE_OPTIONS = `flags` followed by whatever NODE_OPTIONS `env` already holds, so a caller's own
 * options (e.g. `--cpu-prof`, or a larger `--max-old-space-size`: the last one wins) still apply.
 */
export const withNodeOptions = (
  env: Record<string, string | undefined>,
  flags: string = NODE_OPTIONS.api,
): Record<string, string | undefined> => ({
  ...env,
  NODE_OPTIONS: [flags, env.NODE_OPTIONS ?? ""].filter((s) => s.trim() !== "").join(" "),
})
