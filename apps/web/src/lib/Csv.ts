/**
 * CSV export (RFC 4180, CRLF rows). A cell starting with `=`, `+`, `-`, `@`, tab or CR is prefixed with `'`
 * so a spreadsheet shows it as text instead of evaluating it: status messages and ids come from producers,
 * and a crafted `status_msg` like `=HYPERLINK(...)` must not run when a support engineer opens the file.
 */
const FORMULA_START = /^[=+\-@\t\r]/
const NEEDS_QUOTES = /[",\r\n]/

export const csvCell = (value: unknown): string => {
  const text = value === undefined || value === null ? "" : String(value)
  const safe = FORMULA_START.test(text) ? `'${text}` : text
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

export const toCsv = (
  columns: ReadonlyArray<string>,
  rows: ReadonlyArray<Readonly<Record<string, unknown>>>,
): string =>
  [columns.map(csvCell).join(","), ...rows.map((row) => columns.map((c) => csvCell(row[c])).join(","))]
    .map((line) => `${line}\r\n`)
    .join("")

export const toJson = (rows: ReadonlyArray<unknown>): string => `${JSON.stringify(rows, null, 2)}\n`
