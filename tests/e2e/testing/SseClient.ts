/** One server-sent event as received. */
interface SseEvent {
  readonly event: string
  readonly data: string
  /** Date.now() when it arrived. */
  readonly at: number
}

/** Follows an SSE endpoint in the background, collecting its events until `close`. */
export const followSse = async (url: string) => {
  const controller = new AbortController()
  const response = await fetch(url, { signal: controller.signal })
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`)
  const events: Array<SseEvent> = []
  const reading = (async () => {
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    let buffer = ""
    try {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) return
        buffer += decoder.decode(value, { stream: true })
        let end = buffer.indexOf("\n\n")
        while (end !== -1) {
          const block = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const field = (name: string) =>
            block
              .split("\n")
              .filter((l) => l.startsWith(`${name}:`))
              .map((l) => l.slice(name.length + 1).trimStart())
              .join("\n")
          // As EventSource does: a block without a data line (a comment, or the `retry:` block) is no event.
          if (block.split("\n").some((l) => l.startsWith("data:")))
            events.push({ event: field("event") || "message", data: field("data"), at: Date.now() })
          end = buffer.indexOf("\n\n")
        }
      }
    } catch {
      // aborted by close()
    }
  })()
  return {
    events,
    close: async () => {
      controller.abort()
      await reading
    },
  }
}
