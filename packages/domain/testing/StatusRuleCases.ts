import type { Rejection } from "../src/StatusMessage.ts"
import { formatTimestamp, Micros } from "../src/Timestamp.ts"

/**
 * The same bytes for every way a status comes in: the Kafka path (a record value) and HTTP ingest (a body holding
 * one item) must give each case the same verdict. Dates derive from `nowMs` (the clock the test runs with), except
 * the deliberately out-of-range literals.
 */
export interface StatusRuleCase {
  readonly name: string
  readonly bytes: Uint8Array
  /** `accepted`, or the rejection the domain gives (reason as a pattern, it may carry the clock's now). */
  readonly verdict: "accepted" | { readonly kind: Rejection["kind"]; readonly reason: RegExp }
}

const HOUR_MS = 3_600_000

export const statusRuleCases = (nowMs: number): ReadonlyArray<StatusRuleCase> => {
  const at = (ms: number) => formatTimestamp(Micros.make(ms * 1000))
  // A fresh payload id per case and per run: topics and stores are shared across a test file.
  const id = (n: number) => `${nowMs.toString(16).padStart(16, "0").slice(-16)}${String(n).padStart(16, "0")}`
  const status = (n: number, over: Record<string, unknown> = {}) => ({
    request_id: id(n),
    service: "ingress",
    status: "received",
    date: at(nowMs - HOUR_MS),
    ...over,
  })
  const json = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))
  const range = /is outside the accepted range \[2000-01-01T00:00:00Z, 2100-01-01T00:00:00Z\)$/
  const future = /is more than 24 h in the future/
  return [
    { name: "a valid status", bytes: json(status(1)), verdict: "accepted" },
    {
      name: "invalid UTF-8 in status_msg",
      bytes: Uint8Array.from([
        ...json(status(2, { status_msg: "a" })).slice(0, -2),
        0xff,
        0xfe,
        0x22,
        0x7d, // a"<ff><fe>"}
      ]),
      verdict: { kind: "invalid_json", reason: /^invalid UTF-8$/ },
    },
    {
      name: "a 300 KB status_msg",
      bytes: json(status(3, { status_msg: "x".repeat(300_000) })),
      verdict: { kind: "invalid_message", reason: /^record too large: 300\d{3} bytes \(limit 262144\)$/ },
    },
    {
      name: "Go's zero time",
      bytes: json(status(4, { date: "0001-01-01T00:00:00Z" })),
      verdict: { kind: "invalid_message", reason: range },
    },
    {
      name: "the last microsecond of 9999",
      bytes: json(status(5, { date: "9999-12-31T23:59:59.999999Z" })),
      verdict: { kind: "invalid_message", reason: range },
    },
    {
      name: "a date 25 h ahead",
      bytes: json(status(6, { date: at(nowMs + 25 * HOUR_MS) })),
      verdict: { kind: "invalid_message", reason: future },
    },
    {
      name: "a date 23 h ahead",
      bytes: json(status(7, { date: at(nowMs + 23 * HOUR_MS) })),
      verdict: "accepted",
    },
    {
      name: "a numeric request_id",
      bytes: json(status(8, { request_id: 12345 })),
      verdict: { kind: "invalid_request_id", reason: /^invalid request_id 12345: / },
    },
  ]
}
