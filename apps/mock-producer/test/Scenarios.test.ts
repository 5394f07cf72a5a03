import { assert, describe, it } from "@effect/vitest"
import { decodeStatusValue } from "@pt/domain/StatusMessage"
import { Micros } from "@pt/domain/Timestamp"
import { HOUR_MS } from "@pt/domain/testing/TestDates"
import { Result } from "effect"
import { Rng } from "../src/Random.ts"
import { generateTrace, SCENARIO_NAMES, type ScenarioName } from "../src/Scenarios.ts"
import type { Trace, TraceOptions } from "../src/Trace.ts"

const clean: TraceOptions = { duplicateRate: 0, swapRate: 0, retryRate: 0, skewMs: 0 }
// Traces start an hour before the clock (see TestDates.ts): a fixed instant goes stale.
const T0 = (Date.now() - HOUR_MS) * 1000
const trace = (scenario: ScenarioName, seed = 7, options = clean): Trace =>
  generateTrace(new Rng(seed), scenario, Micros.make(T0), options)

type Row = Record<string, unknown>
const rows = (t: Trace): Array<Row> => t.records.map((r) => r.value as Row)
/** (service, status) in the order of the statuses' own dates, as the tracker sorts them. */
const steps = (t: Trace): Array<string> =>
  rows(t)
    .map((r) => ({ key: `${r.service} ${r.status}`, date: Result.getOrThrow(decodeStatusValue(r)).date }))
    .sort((a, b) => a.date - b.date)
    .map((r) => r.key)
// patchman dates have whole seconds, so they sort before the sub-second steps that really preceded them.
const precise = (s: Array<string>) => s.filter((x) => !x.startsWith("patchman"))
const of = (t: Trace, service: string) => rows(t).filter((r) => r.service === service)

const GO_NANO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/
const NAIVE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?$/

const HEAD = ["ingress received", "ingress success", "puptoo received", "puptoo success"]
const HBI = [
  "inventory-mq-service received",
  "inventory-mq-service success",
  "inventory-mq-service processing",
  "inventory-mq-service processing_success",
]

describe("scenario sequences (docs/pipeline.md)", () => {
  it("A: ingress, puptoo, HBI in order, then parallel downstream branches, each received before its end", () => {
    for (let seed = 1; seed <= 20; seed++) {
      const t = trace("A", seed)
      const s = steps(t)
      assert.deepStrictEqual(precise(s).slice(0, 8), [...HEAD, ...HBI])
      const rest = s.slice(8)
      for (const app of ["insights-engine", "insights-advisor-service", "hsp-archiver"]) {
        assert.isTrue(rest.indexOf(`${app} received`) < rest.indexOf(`${app} success`), app)
      }
      assert.isTrue(
        rest.indexOf("insights-engine success") < rest.indexOf("insights-advisor-service received"),
      )
      assert.isAtLeast(s.length, 14)
      assert.isAtMost(s.length, 22)
    }
    // Branches interleave: some trace has another app reporting between engine received and success.
    const interleaved = [1, 2, 3, 4, 5].some((seed) => {
      const s = steps(trace("A", seed))
      const between = s.slice(s.indexOf("insights-engine received") + 1, s.indexOf("insights-engine success"))
      return between.length > 0
    })
    assert.isTrue(interleaved)
  })

  it("B: puptoo error and failed, then storage-broker copies to the reject bucket and says success", () => {
    const t = trace("B")
    assert.deepStrictEqual(steps(t), [
      "ingress received",
      "ingress success",
      "puptoo received",
      "puptoo error",
      "puptoo failed",
      "storage-broker received",
      "storage-broker received",
      "storage-broker success",
    ])
    const msgs = rows(t).map((r) => r.status_msg)
    assert.match(String(msgs[3]), /^Unable to extract facts of advisor service: /)
    assert.strictEqual(msgs[4], "Validation failure. Message sent to storage broker")
    assert.deepStrictEqual(msgs.slice(5), [
      "received message from advisor",
      "received validation response from advisor",
      "copied payload to insights-upload-rejected",
    ])
  })

  it("C: inventory-mq-service rejects the host and nothing follows", () => {
    const s = steps(trace("C"))
    assert.deepStrictEqual(s, [...HEAD, "inventory-mq-service received", "inventory-mq-service error"])
    assert.match(
      String(of(trace("C"), "inventory-mq-service")[1]!.status_msg),
      /^ValidationException encountered in/,
    )
  })

  it("D: one downstream app errors while the other branches succeed", () => {
    for (let seed = 1; seed <= 10; seed++) {
      const s = steps(trace("D", seed))
      assert.deepStrictEqual(precise(s).slice(0, 8), [...HEAD, ...HBI])
      const errors = s.filter((x) => x.endsWith(" error"))
      assert.strictEqual(errors.length, 1)
      assert.include(["insights-advisor-service error", "patchman error"], errors[0])
      assert.isTrue(s.includes("hsp-archiver success"))
    }
  })

  it("E: only ingress received", () => {
    assert.deepStrictEqual(steps(trace("E")), ["ingress received"])
  })

  it("F: compliance validated through storage-broker, puptoo forwards to HBI", () => {
    const t = trace("F", 3)
    const s = steps(t)
    assert.deepStrictEqual(s.slice(0, 2), ["ingress received", "ingress success"])
    assert.strictEqual(rows(t)[1]!.status_msg, "Sent to validation service: compliance")
    assert.deepStrictEqual(
      of(t, "storage-broker").map((r) => r.status_msg),
      [
        "received message from compliance",
        "received validation response from compliance",
        "payload validation successful for compliance payload",
      ],
    )
    const c = of(t, "compliance")
    assert.match(String(c[0]!.status_msg), /^File of [0-9a-f-]{36} is valid\. Job [0-9a-f]{24} enqueued$/)
    assert.deepStrictEqual(
      c.map((r) => r.status),
      ["received", "success"],
    )
    assert.match(String(c[0]!.date), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/)
    assert.deepStrictEqual(Object.keys(c[0]!), [
      "request_id",
      "status",
      "account",
      "org_id",
      "system_id",
      "status_msg",
      "service",
      "source",
      "date",
    ])
    assert.isTrue(s.includes("inventory-mq-service processing_success"))
  })

  it("G: OpenShift through storage-broker to CCX", () => {
    const t = trace("G")
    const u = t.upload
    assert.deepStrictEqual(steps(t), [
      "ingress received",
      "ingress success",
      "storage-broker received",
      "storage-broker success",
      "ccx-data-pipeline received",
      "ccx-data-pipeline processing",
      "ccx-data-pipeline success",
      "insights-results-db-writer received",
      "insights-results-db-writer processed",
      "insights-results-db-writer success",
    ])
    const copied = String(of(t, "storage-broker")[1]!.status_msg)
    assert.match(
      copied,
      new RegExp(
        `^copied payload to insights-buck-it-openshift as ${u.orgId}/${u.clusterId}/\\d{14}-${u.requestId}$`,
      ),
    )
  })

  it("H: legacy 2019 names", () => {
    const seen = new Set<string>()
    for (let seed = 1; seed <= 10; seed++) for (const s of steps(trace("H", seed))) seen.add(s)
    for (const s of [
      "ingress processing",
      "advisor-pup received",
      "advisor-pup success",
      "ingress successful",
      "ingress advertised",
      "ingress validated",
      "ingress announced",
    ]) {
      assert.isTrue(seen.has(s), s)
    }
    const pup = of(trace("H"), "advisor-pup")[0]!
    assert.match(String(pup.date), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/)
  })
})

describe("each producer's fields and date format (docs/pipeline.md)", () => {
  const a = trace("A", 11)
  it("ingress: fixed key set, Go RFC3339Nano dates", () => {
    for (const r of of(a, "ingress")) {
      assert.deepStrictEqual(Object.keys(r), [
        "service",
        "account",
        "org_id",
        "request_id",
        "status",
        "status_msg",
        "date",
      ])
      assert.match(String(r.date), GO_NANO)
      assert.isString(r.account)
    }
  })
  it("puptoo: payload_id = request_id, naive isoformat, account null for anemic tenants", () => {
    for (const r of of(a, "puptoo")) {
      assert.strictEqual(r.payload_id, r.request_id)
      assert.match(String(r.date), NAIVE)
    }
    let anemic: Trace | undefined
    for (let seed = 1; anemic === undefined; seed++) {
      const t = trace("B", seed)
      if (t.upload.account === "") anemic = t
    }
    assert.strictEqual(of(anemic, "puptoo")[0]!.account, null)
    assert.strictEqual(of(anemic, "ingress")[0]!.account, "")
  })
  it("storage-broker: every field present, inventory_id null", () => {
    for (const r of of(trace("B"), "storage-broker")) {
      assert.deepStrictEqual(Object.keys(r), [
        "service",
        "account",
        "org_id",
        "request_id",
        "inventory_id",
        "status",
        "status_msg",
        "date",
      ])
      assert.isNull(r.inventory_id)
    }
  })
  it("inventory-mq-service: keys sorted, no status_msg on success, naive UTC dates", () => {
    for (const r of of(a, "inventory-mq-service")) {
      const keys = Object.keys(r)
      assert.deepStrictEqual(keys, [...keys].sort())
      assert.match(String(r.date), NAIVE)
    }
    assert.notProperty(of(a, "inventory-mq-service")[1]!, "status_msg")
  })
  it("advisor: source insights-client and the full field set; patchman: whole seconds with Z", () => {
    const adv = of(a, "insights-advisor-service")[1]!
    assert.deepStrictEqual(Object.keys(adv), [
      "service",
      "status",
      "status_msg",
      "request_id",
      "inventory_id",
      "system_id",
      "source",
      "account",
      "org_id",
      "date",
    ])
    assert.match(String(adv.status_msg), /^Successfully logged \d+ reports\.$/)
    const patch = of(trace("D", 2), "patchman")
    for (const r of patch) assert.match(String(r.date), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })
  it("every generated message is accepted by the tracker's decoder, for every scenario and seed", () => {
    for (const s of SCENARIO_NAMES) {
      for (let seed = 1; seed <= 20; seed++) {
        for (const r of rows(
          generateTrace(new Rng(seed), s, Micros.make(T0), {
            duplicateRate: 0.5,
            swapRate: 0.2,
            retryRate: 0.5,
            skewMs: 10,
          }),
        )) {
          assert.isTrue(Result.isSuccess(decodeStatusValue(r)), JSON.stringify(r))
        }
      }
    }
  })
  it("is reproducible: the same seed gives the same trace", () => {
    assert.deepStrictEqual(trace("A", 5), trace("A", 5))
  })
})
