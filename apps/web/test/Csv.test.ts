import { describe, expect, it } from "vitest"
import { csvCell, toCsv, toJson } from "../src/lib/Csv.ts"

describe("csvCell", () => {
  it.each([
    ["=1+1", "'=1+1"],
    ["+33 6", "'+33 6"],
    ["-2", "'-2"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tTAB", "'\tTAB"],
    ["\rCR", '"\'\rCR"'],
  ])("prefixes a cell starting with a formula character: %j", (value, expected) => {
    expect(csvCell(value)).toBe(expected)
  })

  it("leaves ordinary text alone and quotes per RFC 4180", () => {
    expect(csvCell("puptoo")).toBe("puptoo")
    expect(csvCell("a,b")).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"')
    expect(csvCell("a=b")).toBe("a=b")
  })

  it("guards first, then quotes: a formula with a comma stays text inside quotes", () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('"\'=HYPERLINK(""http://x"",""y"")"')
  })

  it("writes absent values as empty cells and numbers as text", () => {
    expect(csvCell(undefined)).toBe("")
    expect(csvCell(null)).toBe("")
    expect(csvCell(42)).toBe("42")
    expect(csvCell(-1)).toBe("'-1")
  })
})

describe("toCsv", () => {
  it("writes a header and one CRLF-terminated line per row in column order", () => {
    const csv = toCsv(
      ["request_id", "status_msg"],
      [{ status_msg: "=cmd|' /C calc'!A0", request_id: "abc" }, {}],
    )
    expect(csv).toBe("request_id,status_msg\r\nabc,'=cmd|' /C calc'!A0\r\n,\r\n")
  })
})

describe("toJson", () => {
  it("is the rows as pretty JSON", () => {
    expect(JSON.parse(toJson([{ a: 1 }]))).toEqual([{ a: 1 }])
  })
})
