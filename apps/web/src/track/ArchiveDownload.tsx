import { Alert, Button } from "@patternfly/react-core"
import { DownloadIcon } from "@patternfly/react-icons/dist/esm/icons/download-icon"
import { useEffect, useState } from "react"
import { ApiError, apiGet } from "../api/ApiClient.ts"
import { allowedResponse, urlResponse } from "../api/Decode.ts"

type Problem = { readonly variant: "warning" | "danger"; readonly text: string } | undefined

/**
 * "Download archive", shown only when `/roles/archiveLink` allows it (the platform's gateway adds the identity
 * header; without the role the API answers 401/403 and the button stays hidden).
 */
export const ArchiveDownload = (props: { readonly requestId: string }) => {
  const [allowed, setAllowed] = useState(false)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<Problem>(undefined)

  useEffect(() => {
    const controller = new AbortController()
    apiGet("/roles/archiveLink", allowedResponse, undefined, controller.signal).then(
      (body) => setAllowed(body.allowed === true),
      () => setAllowed(false),
    )
    return () => controller.abort()
  }, [])

  if (!allowed) return null
  const download = async () => {
    setBusy(true)
    setProblem(undefined)
    try {
      const body = await apiGet(`/payloads/${props.requestId}/archiveLink`, urlResponse)
      window.location.assign(body.url)
    } catch (error) {
      setProblem(
        error instanceof ApiError && error.status === 404
          ? { variant: "warning", text: "The archive is not stored, or its 24-hour link expired." }
          : {
              variant: "danger",
              text: `The archive link could not be fetched: ${String((error as Error).message)}`,
            },
      )
    } finally {
      setBusy(false)
    }
  }
  return (
    <>
      <Button variant="secondary" icon={<DownloadIcon />} isLoading={busy} onClick={download}>
        Download archive
      </Button>
      {problem && <Alert isInline variant={problem.variant} title={problem.text} role="alert" />}
    </>
  )
}
