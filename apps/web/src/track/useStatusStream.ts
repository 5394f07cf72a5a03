import { useEffect, useRef, useState } from "react"
import { apiUrl } from "../api/ApiClient.ts"

export type StreamState = "connecting" | "live" | "reconnecting"

const RETRY_MIN_MS = 2_000
const RETRY_MAX_MS = 30_000

/**
 * Server push for one payload (`GET {prefix}/payloads/{id}/events`, Server-Sent Events): `onStatus` runs when
 * the server announces a new status (batched over 100 ms, a batch of statuses arrives at once) and after a
 * reconnect, since statuses stored while disconnected were not pushed. No polling: between pushes nothing is
 * asked. EventSource retries dropped connections itself; when the server refuses the stream outright (a non-200
 * answer closes it for good), this reopens it with a backoff.
 */
export const useStatusStream = (requestId: string, onStatus: () => void): StreamState => {
  const [state, setState] = useState<StreamState>("connecting")
  const callback = useRef(onStatus)
  callback.current = onStatus

  useEffect(() => {
    let source: EventSource | undefined
    let batch: ReturnType<typeof setTimeout> | undefined
    let retry: ReturnType<typeof setTimeout> | undefined
    let retryMs = RETRY_MIN_MS
    let disconnected = false
    const changed = () => {
      clearTimeout(batch)
      batch = setTimeout(() => callback.current(), 100)
    }
    const open = () => {
      setState(disconnected ? "reconnecting" : "connecting")
      const es = new EventSource(apiUrl(`/payloads/${requestId}/events`))
      source = es
      es.onopen = () => {
        setState("live")
        retryMs = RETRY_MIN_MS
        if (disconnected) changed()
        disconnected = false
      }
      es.onmessage = changed
      es.addEventListener("status", changed)
      es.onerror = () => {
        disconnected = true
        setState("reconnecting")
        if (es.readyState === EventSource.CLOSED) {
          retry = setTimeout(open, retryMs)
          retryMs = Math.min(retryMs * 2, RETRY_MAX_MS)
        }
      }
    }
    open()
    return () => {
      source?.close()
      clearTimeout(batch)
      clearTimeout(retry)
    }
  }, [requestId])

  return state
}
