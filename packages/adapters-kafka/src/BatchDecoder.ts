import type { StatusEvent } from "@pt/domain/StatusEvent"
import { decodeStatusMessage, type Rejection } from "@pt/domain/StatusMessage"
import { Result } from "effect"
import type { KafkaMessage } from "kafkajs"

/** A record the domain refused, with everything needed to park it on the dead-letter topic. */
export interface RejectedRecord {
  readonly message: KafkaMessage
  readonly rejection: Rejection
}

export interface DecodedBatch {
  readonly events: Array<StatusEvent>
  readonly rejected: Array<RejectedRecord>
}

/**
 * Decodes every record of a fetched batch with the domain's schema. Records above `maxRecordBytes` are refused
 * before parsing (a status is a few hundred bytes; a megabyte of text is a producer bug, not a status).
 */
export const decodeBatch = (messages: ReadonlyArray<KafkaMessage>, maxRecordBytes: number): DecodedBatch => {
  const events: Array<StatusEvent> = []
  const rejected: Array<RejectedRecord> = []
  for (const message of messages) {
    const value = message.value
    if (value === null || value.length === 0) {
      rejected.push({ message, rejection: { kind: "invalid_message", reason: "empty record value" } })
      continue
    }
    if (value.length > maxRecordBytes) {
      rejected.push({
        message,
        rejection: {
          kind: "invalid_message",
          reason: `record too large: ${value.length} bytes (limit ${maxRecordBytes})`,
        },
      })
      continue
    }
    const decoded = decodeStatusMessage(value)
    if (Result.isSuccess(decoded)) events.push(decoded.success)
    else rejected.push({ message, rejection: decoded.failure })
  }
  return { events, rejected }
}
