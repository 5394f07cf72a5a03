import { useCallback, useEffect, useState } from "react"
import { ApiError, apiGet } from "./ApiClient.ts"
import type { Decoder } from "./Decode.ts"

type ApiState<A> =
  | { readonly kind: "loading"; readonly previous: A | undefined }
  | { readonly kind: "ok"; readonly data: A }
  | { readonly kind: "error"; readonly error: ApiError }

/**
 * GETs `path?params` whenever the query changes (the previous request is aborted) and on `reload()`.
 * While loading, the previous data stays available so tables do not flash empty between pages. The answer
 * goes through `decoder` (a module-level constant: it is not a dependency of the request).
 */
export const useApi = <A>(
  path: string | undefined,
  params: string,
  decoder: Decoder<A>,
): [ApiState<A>, () => void] => {
  const [state, setState] = useState<ApiState<A>>({ kind: "loading", previous: undefined })
  const [generation, setGeneration] = useState(0)
  const reload = useCallback(() => setGeneration((g) => g + 1), [])

  // biome-ignore lint/correctness/useExhaustiveDependencies: generation is the reload trigger
  useEffect(() => {
    if (path === undefined) return
    const controller = new AbortController()
    setState((s) => ({
      kind: "loading",
      previous: s.kind === "ok" ? s.data : s.kind === "loading" ? s.previous : undefined,
    }))
    apiGet(path, decoder, new URLSearchParams(params), controller.signal).then(
      (data) => setState({ kind: "ok", data }),
      (error: unknown) => {
        if (controller.signal.aborted) return
        setState({ kind: "error", error: error instanceof ApiError ? error : new ApiError(0, String(error)) })
      },
    )
    return () => controller.abort()
  }, [path, params, generation])

  return [state, reload]
}
