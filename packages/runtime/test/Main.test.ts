import { Cause, Exit } from "effect"
import { describe, expect, it } from "vitest"
import { exitZeroOnInterrupt } from "../src/Main.ts"

const codeOf = (exit: Exit.Exit<unknown, unknown>) =>
  new Promise<number>((resolve) => exitZeroOnInterrupt(exit, resolve))

describe("the exit rule", () => {
  it("SIGTERM/SIGINT (an interrupt only) is a clean stop: 0; a failure is not", async () => {
    expect(await codeOf(Exit.failCause(Cause.interrupt()))).toBe(0)
    expect(await codeOf(Exit.fail("boom"))).toBe(1)
    expect(await codeOf(Exit.succeed(undefined))).toBe(0)
  })
})
