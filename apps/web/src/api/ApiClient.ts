/**
 * Same-origin calls to the tracker's API under the UI's base (`/app/payload-tracker/api/v1`). Every non-2xx
 * answer carries `{title, message, status}` (api-v1.md); it becomes an ApiError with that message.
 */
export const API_BASE = `${import.meta.env.BASE_URL.replace(/\/$/, "")}/api/v1`

export class ApiError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.name = "ApiError"
    this.status = status
  }
}

export const apiUrl = (path: string, params?: URLSearchParams): string => {
  const query = params?.toString()
  return `${API_BASE}${path}${query ? `?${query}` : ""}`
}

const errorMessage = async (response: Response): Promise<string> => {
  try {
    const body: unknown = await response.json()
    if (body && typeof body === "object" && "message" in body && typeof body.message === "string")
      return body.message
  } catch {
    // Not the API's JSON error body (a proxy's HTML page, say): fall back to the status line.
  }
  return `${response.status} ${response.statusText}`.trim()
}

export const apiGet = async <A>(path: string, params?: URLSearchParams, signal?: AbortSignal): Promise<A> => {
  let response: Response
  try {
    response = await fetch(apiUrl(path, params), {
      headers: { accept: "application/json" },
      signal: signal ?? null,
    })
  } catch (error) {
    if (signal?.aborted) throw error
    throw new ApiError(0, "The tracker's API could not be reached. Check your connection and retry.")
  }
  if (!response.ok) throw new ApiError(response.status, await errorMessage(response))
  return (await response.json()) as A
}
