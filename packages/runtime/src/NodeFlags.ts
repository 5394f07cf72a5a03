/**
 * The V8 heap limits of the tracker's processes (API, consumer): the one place that decides them. Without them
 * V8 sizes the heap from the machine's memory (on a 24 GiB host the old space may reach ≈4 GB before a full
 * GC is forced), so a process whose live set is ≈50 MB sits at several hundred MB of RSS and a 512 MiB pod is
 * OOM-killed under load. With them a major GC runs long before that; docs/operations.md ("Memory") has the
 * measured figures.
 *
 * They travel as NODE_OPTIONS, which Node itself reads (no code of ours does): the Dockerfile's ENV sets it for
 * every process of the image, the deploy manifests set the same value beside each pod's memory limit (raise both
 * together), and `./pt start` and the benchmarks pass it to the processes they start.
 * packages/runtime/test/NodeFlags.test.ts checks that every one of those places carries exactly this value.
 */
// Old space 192 MB: the API's idle live set is ≈ 56 MB (mostly module code) and 2,000 open live views add
// ≈ 43 KB each (≈ 86 MB), which 128 MB could not hold (V8 aborted with "heap out of memory" in bench:sse).
// Semi-space 8 MB: V8's default on a large host is 64 MB, i.e. 128 MB of young generation kept resident.
export const HEAP_FLAGS: ReadonlyArray<string> = ["--max-old-space-size=192", "--max-semi-space-size=8"]

export const NODE_OPTIONS = HEAP_FLAGS.join(" ")

/**
 * `env` with NODE_OPTIONS = `flags` followed by whatever NODE_OPTIONS `env` already holds, so a caller's own
 * options (e.g. `--cpu-prof`, or a larger `--max-old-space-size`: the last one wins) still apply.
 */
export const withNodeOptions = (
  env: Record<string, string | undefined>,
  flags: string = NODE_OPTIONS,
): Record<string, string | undefined> => ({
  ...env,
  NODE_OPTIONS: [flags, env.NODE_OPTIONS ?? ""].filter((s) => s.trim() !== "").join(" "),
})
