import { Content, Flex, FlexItem, PageSection, Pagination, Spinner, Title } from "@patternfly/react-core"
import { useCallback, useMemo, useState } from "react"
import type { ListResponse } from "../api/ApiTypes.ts"
import { listResponse, listRow, summarizedListRow } from "../api/Decode.ts"
import { useApi } from "../api/useApi.ts"
import {
  type ListState,
  listStateToApiParams,
  listStateToParams,
  PAGE_SIZES,
  parseListState,
  updateListState,
} from "../lib/ListState.ts"
import { describeTimeRange } from "../lib/TimeRange.ts"
import { navigate, useAppLocation } from "../routing/Router.ts"
import { withSummaryCells } from "../summary/SummaryModel.ts"
import { ExportButtons } from "./ExportButtons.tsx"
import { FilterToolbar } from "./FilterToolbar.tsx"
import type { ListPageSpec, Row } from "./ListPageSpec.ts"
import { EmptyResults, ErrorResults, LoadingState, PastLastPage } from "./ResultStates.tsx"
import { ResultsTable } from "./ResultsTable.tsx"
import { TimeRangePicker } from "./TimeRangePicker.tsx"

const LIST_RESPONSE = listResponse(listRow)
// Rows asked with `summary=true`: the summary is checked, then its outcome and "where" become plain cells.
const SUMMARIZED_RESPONSE = (value: unknown, at: string): ListResponse<Row> => {
  const list = listResponse(summarizedListRow)(value, at)
  return { ...list, data: list.data.map(withSummaryCells) }
}

const PER_PAGE_OPTIONS = PAGE_SIZES.map((size) => ({ title: String(size), value: size }))

/** A list page: URL state → API query → table, with filters, time range, sort, paging and export. */
export const ListView = (props: { readonly spec: ListPageSpec }) => {
  const { spec } = props
  const location = useAppLocation()
  const state = useMemo(() => parseListState(location.params, spec), [location.params, spec])
  // Quick ranges ("last hour") are resolved when the view changes or on Retry, not on every render.
  const [now, setNow] = useState(() => Date.now())
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new URL is a new "now" for relative ranges
  const apiParams = useMemo(
    () => listStateToApiParams(state, spec, Date.now()).toString(),
    [state, spec, now],
  )
  const [result, reload] = useApi<ListResponse<Row>>(
    spec.endpoint,
    apiParams,
    spec.fixedApiParams?.summary === "true" ? SUMMARIZED_RESPONSE : LIST_RESPONSE,
  )

  const show = useCallback(
    (next: ListState) => {
      const query = listStateToParams(next, spec).toString()
      navigate(`${spec.path}${query ? `?${query}` : ""}`)
    },
    [spec],
  )
  const retry = () => {
    setNow(Date.now())
    reload()
  }
  const reset = () => navigate(spec.path)

  const data = result.kind === "ok" ? result.data : result.kind === "loading" ? result.previous : undefined
  const hasFilters = Object.keys(state.filters).length > 0 || state.range.kind !== "all"
  const pagination = (variant: "top" | "bottom") => (
    <Pagination
      variant={variant}
      itemCount={data?.count ?? 0}
      page={state.page}
      perPage={state.pageSize}
      perPageOptions={PER_PAGE_OPTIONS}
      onSetPage={(_event, page) => show({ ...state, page })}
      onPerPageSelect={(_event, pageSize) => show(updateListState(state, { pageSize }))}
      isCompact={variant === "top"}
      titles={{ paginationAriaLabel: `${spec.noun} pagination ${variant}` }}
    />
  )

  return (
    <PageSection>
      <Title headingLevel="h1">{spec.title}</Title>
      <Content component="p">
        {describeTimeRange(state.range)} ·{" "}
        {data === undefined
          ? "counting…"
          : `${data.count} ${data.count === 1 ? spec.noun.replace(/e?s$/, "") : spec.noun}`}
      </Content>
      <FilterToolbar
        names={spec.filters}
        choices={spec.choices ?? {}}
        filters={state.filters}
        onApply={(filters) => show(updateListState(state, { filters }))}
      />
      <Flex
        justifyContent={{ default: "justifyContentSpaceBetween" }}
        alignItems={{ default: "alignItemsCenter" }}
      >
        <FlexItem>
          <TimeRangePicker
            field={spec.timeField}
            value={state.range}
            onChange={(range) => show(updateListState(state, { range }))}
          />
        </FlexItem>
        <FlexItem>
          <Flex alignItems={{ default: "alignItemsCenter" }}>
            {result.kind === "loading" && data !== undefined && (
              <FlexItem>
                <Spinner size="md" aria-label={`Loading ${spec.noun}`} />
              </FlexItem>
            )}
            <FlexItem>
              <ExportButtons
                name={spec.noun}
                columns={spec.columns.map((c) => c.key)}
                rows={data?.data ?? []}
              />
            </FlexItem>
            <FlexItem>{pagination("top")}</FlexItem>
          </Flex>
        </FlexItem>
      </Flex>
      {result.kind === "error" ? (
        <ErrorResults noun={spec.noun} error={result.error} onRetry={retry} onReset={reset} />
      ) : data === undefined ? (
        <LoadingState noun={spec.noun} />
      ) : data.data.length === 0 && data.count > 0 ? (
        <PastLastPage page={state.page} count={data.count} onFirst={() => show({ ...state, page: 1 })} />
      ) : data.data.length === 0 ? (
        <EmptyResults noun={spec.noun} hasFilters={hasFilters} onClear={reset} />
      ) : (
        <>
          <ResultsTable
            caption={spec.title}
            columns={spec.columns}
            rows={data.data}
            sortBy={state.sortBy}
            sortDir={state.sortDir}
            onSort={(sortBy, sortDir) => show(updateListState(state, { sortBy, sortDir }))}
            onFilter={(name, value) =>
              show(updateListState(state, { filters: { ...state.filters, [name]: value } }))
            }
          />
          {pagination("bottom")}
        </>
      )}
    </PageSection>
  )
}
