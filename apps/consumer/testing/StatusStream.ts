import { type Kafka, Partitioners } from "kafkajs"

/**
 * Produces `values` to `topic` with null keys in chunks, a pause between chunks, retrying a chunk until the
 * broker takes it (it may be restarting): a stream that keeps flowing while the tests break things.
 */
export const streamStatuses = async (
  kafka: Kafka,
  topic: string,
  values: ReadonlyArray<string>,
  options: { readonly chunk: number; readonly pauseMs: number; readonly onChunk?: (sent: number) => void },
) => {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    retry: { retries: 30, initialRetryTime: 200, maxRetryTime: 2_000 },
  })
  await producer.connect()
  try {
    for (let i = 0; i < values.length; i += options.chunk) {
      const messages = values.slice(i, i + options.chunk).map((value) => ({ key: null, value }))
      for (let attempt = 0; ; attempt++) {
        try {
          await producer.send({ topic, acks: -1, messages })
          break
        } catch (error) {
          if (attempt > 60) throw error
          await new Promise((resolve) => setTimeout(resolve, 500))
        }
      }
      options.onChunk?.(Math.min(values.length, i + options.chunk))
      if (options.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, options.pauseMs))
    }
  } finally {
    await producer.disconnect()
  }
}
