import { parseTimeRange, type TimeRangeChoice, timeRangeBounds, timeRangeParams } from "./TimeRange.ts"

/**
 * A list page's view state, kept in the URL so a link reproduces the view (docs/web.md). The URL carries a 1-based
 * `page` (what people read and share); the API takes a 0-based one. Defaults are left out of the URL.
 */
export const PAGE_SIZES = [10, 20, 50, 100] as const
const DEFAULT_PAGE_SIZE = 10

export type SortDir = "asc" | "desc"

export interface ListSpec {
  readonly filters: ReadonlyArray<string>
  readonly sortFields: ReadonlyArray<string>
  readonly defaultSort: string
  /** The column the time range applies to: `created_at` for payloads, `date` for statuses. */
  readonly timeField: string
  /** Filters that take one of a few words (Payloads' `outcome`): any other value in a link is dropped. */
  readonly choices?: Readonly<Record<string, ReadonlyArray<string>>>
  /** Sent with every API query of the list, never in the page's URL (Payloads: `summary=true`). */
  readonly fixedApiParams?: Readonly<Record<string, string>>
}

export interface ListState {
  readonly filters: Readonly<Record<string, string>>
  readonly page: number
  readonly pageSize: number
  readonly sortBy: string
  readonly sortDir: SortDir
  readonly range: TimeRangeChoice
}

const positiveInt = (text: string | null): number | undefined => {
  if (text === null || !/^\d+$/.test(text)) return undefined
  const n = Number(text)
  return n >= 1 && Number.isSafeInteger(n) ? n : undefined
}

export const parseListState = (params: URLSearchParams, spec: ListSpec): ListState => {
  const filters: Record<string, string> = {}
  for (const name of spec.filters) {
    const value = params.get(name)?.trim()
    const allowed = spec.choices?.[name]
    if (value && (allowed === undefined || allowed.includes(value))) filters[name] = value
  }
  const size = positiveInt(params.get("page_size"))
  const sortBy = params.get("sort_by")
  return {
    filters,
    page: positiveInt(params.get("page")) ?? 1,
    pageSize:
      size !== undefined && (PAGE_SIZES as ReadonlyArray<number>).includes(size) ? size : DEFAULT_PAGE_SIZE,
    sortBy: sortBy && spec.sortFields.includes(sortBy) ? sortBy : spec.defaultSort,
    sortDir: params.get("sort_dir") === "asc" ? "asc" : "desc",
    range: parseTimeRange(params, spec.timeField),
  }
}

/** The URL's query for a state, defaults omitted, in a stable order. */
export const listStateToParams = (state: ListState, spec: ListSpec): URLSearchParams => {
  const params = new URLSearchParams()
  for (const name of spec.filters) {
    const value = state.filters[name]
    if (value) params.set(name, value)
  }
  for (const [key, value] of timeRangeParams(state.range, spec.timeField)) params.set(key, value)
  if (state.sortBy !== spec.defaultSort) params.set("sort_by", state.sortBy)
  if (state.sortDir !== "desc") params.set("sort_dir", state.sortDir)
  if (state.pageSize !== DEFAULT_PAGE_SIZE) params.set("page_size", String(state.pageSize))
  if (state.page !== 1) params.set("page", String(state.page))
  return params
}

/** The API query for a state: 0-based page, quick time ranges resolved against `nowMillis`. */
export const listStateToApiParams = (
  state: ListState,
  spec: ListSpec,
  nowMillis: number,
): URLSearchParams => {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(state.filters)) params.set(name, value)
  for (const [key, value] of timeRangeBounds(state.range, spec.timeField, nowMillis)) params.set(key, value)
  params.set("sort_by", state.sortBy)
  params.set("sort_dir", state.sortDir)
  params.set("page", String(state.page - 1))
  params.set("page_size", String(state.pageSize))
  for (const [key, value] of Object.entries(spec.fixedApiParams ?? {})) params.set(key, value)
  return params
}

/** Any change but a page change starts again at page 1: the old page number means nothing in a new result. */
export const updateListState = (state: ListState, change: Partial<Omit<ListState, "page">>): ListState => ({
  ...state,
  ...change,
  page: 1,
})
