import type { IHeaders } from "kafkajs"
import type { RejectedRecord } from "./BatchDecoder.ts"
import type { OutgoingRecord } from "./KafkaStatusPublisher.ts"

/** Header names on dead-lettered records (the value is the original bytes, untouched). */
export const DeadLetterHeaders = {
  reason: "reason",
  kind: "reason_kind",
  topic: "source_topic",
  partition: "source_partition",
  offset: "source_offset",
  timestamp: "source_timestamp",
} as const

const MAX_REASON = 1_000

const headerText = (value: IHeaders[string]): string | undefined => {
  if (value === undefined) return undefined
  const first = Array.isArray(value) ? value[0] : value
  return first === undefined ? undefined : first.toString()
}

/**
 * The dead-letter copy of a rejected record: original value bytes, the producer's own headers kept, and the reason
 * and origin (topic, partition, offset) added so an operator can find, fix and replay it.
 */
export const toDeadLetter = (topic: string, partition: number, record: RejectedRecord): OutgoingRecord => {
  const original: Record<string, string> = {}
  for (const [key, value] of Object.entries(record.message.headers ?? {})) {
    const text = headerText(value)
    if (text !== undefined) original[key] = text
  }
  return {
    value: record.message.value ?? "",
    headers: {
      ...original,
      [DeadLetterHeaders.reason]: record.rejection.reason.slice(0, MAX_REASON),
      [DeadLetterHeaders.kind]: record.rejection.kind,
      [DeadLetterHeaders.topic]: topic,
      [DeadLetterHeaders.partition]: String(partition),
      [DeadLetterHeaders.offset]: record.message.offset,
      [DeadLetterHeaders.timestamp]: record.message.timestamp,
    },
  }
}
