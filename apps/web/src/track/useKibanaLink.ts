import { useEffect, useState } from "react"
import { apiGet } from "../api/ApiClient.ts"
import { urlResponse } from "../api/Decode.ts"

/** The API builds Kibana URLs (it knows the Kibana host and index); undefined until known or on failure. */
export const useKibanaLink = (requestId: string, service?: string): string | undefined => {
  const [url, setUrl] = useState<string | undefined>(undefined)
  useEffect(() => {
    const controller = new AbortController()
    const params = new URLSearchParams(service ? { service } : {})
    apiGet(`/payloads/${requestId}/kibanaLink`, urlResponse, params, controller.signal).then(
      (body) => setUrl(body.url),
      () => setUrl(undefined),
    )
    return () => controller.abort()
  }, [requestId, service])
  return url
}
