import type { StatusEvent } from "@pt/domain/StatusEvent"
import { decodeStatusMessage, type Rejection } from "@pt/domain/StatusMessage"
import { type Micros, microsFromMillis } from "@pt/domain/Timestamp"
import { Clock, Effect, Result } from "effect"
import type { KafkaMessage } from "kafkajs"

/** A record the domain refused, with everything needed to park it on the dead-letter topic. */
export interface RejectedRecord {
  readonly message: KafkaMessage
  readonly rejection: Rejection
}

interface DecodedBatch {
  readonly events: Array<StatusEvent>
  readonly rejected: Array<RejectedRecord>
}

/**
 * Decodes every record of a fetched batch with the domain's rules, the same ones HTTP ingest applies to an item:
 * size (MAX_STATUS_BYTES, refused before parsing), UTF-8, JSON, fields, and the date range and future rule judged
 * against `now`. Pure; `decodeBatch` supplies `now` from the Clock.
 */
export const decodeRecords = (messages: ReadonlyArray<KafkaMessage>, now: Micros): DecodedBatch => {
  const events: Array<StatusEvent> = []
  const rejected: Array<RejectedRecord> = []
  for (const message of messages) {
    const value = message.value
    if (value === null || value.length === 0) {
      rejected.push({ message, rejection: { kind: "invalid_message", reason: "empty record value" } })
      continue
    }
    const decoded = decodeStatusMessage(value, now)
    if (Result.isSuccess(decoded)) events.push(decoded.success)
    else rejected.push({ message, rejection: decoded.failure })
  }
  return { events, rejected }
}

/** decodeRecords at the Clock's now: one reading per batch, so a batch is judged as one. */
export const decodeBatch = (messages: ReadonlyArray<KafkaMessage>): Effect.Effect<DecodedBatch> =>
  Effect.map(Clock.currentTimeMillis, (millis) => decodeRecords(messages, microsFromMillis(millis)))
