/** Saves text as a file through a temporary object URL (no server round trip: the rows are on screen). */
export const downloadText = (fileName: string, text: string, mimeType: string): void => {
  const url = URL.createObjectURL(new Blob([text], { type: mimeType }))
  const anchor = document.createElement("a")
  anchor.href = url
  anchor.download = fileName
  document.body.append(anchor)
  anchor.click()
  anchor.remove()
  // Revoke later: Chromium reads the blob asynchronously after the click.
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}
