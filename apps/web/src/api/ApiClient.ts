import { DecodeError, type Decoder, decode } from "./Decode.ts"

/**
 * Same-origin calls to the tracker's API under the UI's base (`/app/payload-tracker/api/v1`). Every non-2xx
 * answer carries `{title, message, status}` (docs/api.md); it becomes an ApiError with that message. A 2xx answer
 * is decoded (Decode.ts) before anyone uses it; one this UI cannot read becomes an UnreadableResponse.
 */
const API_BASE = `${import.meta.env.BASE_URL.replace(/\/$/, "")}/api/v1`

export class ApiError extends Error {
  readonly status: number
  constructor(status: number, message: string) {
    super(message)
    this.name = "ApiError"
    this.status = status
  }
}

/** A 2xx answer that is not JSON, or not the shape or values this UI can render. */
export class UnreadableResponse extends ApiError {
  constructor(status: number, path: string, problem: string) {
    super(status, `The API's answer to ${path} cannot be shown: ${problem}`)
    this.name = "UnreadableResponse"
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

/** A successful response's body through `decoder`; `path` names the request in the error. */
export const readBody = async <A>(response: Response, path: string, decoder: Decoder<A>): Promise<A> => {
  let body: unknown
  try {
    body = await response.json()
  } catch {
    throw new UnreadableResponse(response.status, path, "it is not JSON")
  }
  try {
    return decode(decoder, body)
  } catch (error) {
    if (error instanceof DecodeError) throw new UnreadableResponse(response.status, path, error.message)
    throw error
  }
}

export const apiGet = async <A>(
  path: string,
  decoder: Decoder<A>,
  params?: URLSearchParams,
  signal?: AbortSignal,
): Promise<A> => {
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
  return readBody(response, path, decoder)
}
