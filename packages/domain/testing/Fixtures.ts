/**
 * Test data shared by the contract suites and the adapters' own tests. Every test makes its own ids and names, so
 * suites run against a shared, non-empty database without cleanup and never see each other's rows; dates derive
 * from the clock (TestDates.ts).
 */
import type { StatusEvent } from "../src/StatusEvent.ts"
import { parseStatusDate } from "../src/Timestamp.ts"
import { testDay } from "./TestDates.ts"

const DAY = testDay()

export const freshId = (): string => crypto.randomUUID().replaceAll("-", "")
export const freshName = (prefix: string): string => `${prefix}-${freshId().slice(0, 12)}`
export const at = (text: string): number => parseStatusDate(text)!

/** A valid event of `request_id`: an ingress `received` at 10:00 on the test day, unless overridden. */
export const statusEvent = (
  overrides: Partial<StatusEvent> & Pick<StatusEvent, "request_id">,
): StatusEvent => ({
  service: "ingress",
  source: "",
  status: "received",
  status_msg: "",
  date: at(`${DAY}T10:00:00Z`),
  account: "",
  org_id: "",
  inventory_id: "",
  system_id: "",
  ...overrides,
})
