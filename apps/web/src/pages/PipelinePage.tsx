import {
  Content,
  Flex,
  FlexItem,
  FormSelect,
  FormSelectOption,
  PageSection,
  Spinner,
  Stack,
  StackItem,
  Title,
} from "@patternfly/react-core"
import { useMemo, useState } from "react"
import type { ListResponse, PipelineResponse } from "../api/ApiTypes.ts"
import { listResponse, pipelineResponse, summarizedListRow } from "../api/Decode.ts"
import { useApi } from "../api/useApi.ts"
import { DataTable } from "../components/DataTable.tsx"
import type { Row } from "../components/ListPageSpec.ts"
import { AnswerStates, NothingToShow } from "../components/ResultStates.tsx"
import { TrackLink } from "../components/TrackLink.tsx"
import { readableSeconds } from "../lib/Format.ts"
import { FlowChart } from "../pipeline/FlowChart.tsx"
import {
  chartSeries,
  flowRows,
  PIPELINE_RANGES,
  type PipelineWindow,
  parsePipelineWindow,
  pipelineApiParams,
  pipelineWindowToParams,
  STALLED_PAGE_LINK,
  STALLED_QUERY,
  serviceRows,
  topErrors,
} from "../pipeline/PipelineModel.ts"
import { SeriesChart } from "../pipeline/SeriesChart.tsx"
import { Link } from "../routing/Link.tsx"
import { navigate, useAppLocation } from "../routing/Router.ts"
import { withSummaryCells } from "../summary/SummaryModel.ts"

const STALLED_RESPONSE = (value: unknown, at: string): ListResponse<Row> => {
  const list = listResponse(summarizedListRow)(value, at)
  return { ...list, data: list.data.map(withSummaryCells) }
}

// Counts are whole: the axis leaves out the fractional ticks Victory puts between 0 and 1.
const count = (n: number) => (Number.isInteger(n) ? String(n) : "")
const payloads = (n: number) => `${n} ${n === 1 ? "payload" : "payloads"}`

const CountLink = (props: { readonly n: number; readonly to: string; readonly label: string }) =>
  props.n === 0 ? (
    <>0</>
  ) : (
    <Link to={props.to} aria-label={props.label}>
      {props.n}
    </Link>
  )

type ServiceRow = ReturnType<typeof serviceRows>[number]

/** A column of the services table whose cells count payloads and link to them; `header` says which payloads. */
const linkedCount = (header: string, count: "failed" | "stalledNow", link: "failedLink" | "stalledLink") => ({
  header,
  cell: (s: ServiceRow) => (
    <CountLink n={s[count]} to={s[link]} label={`${payloads(s[count])} ${header} in ${s.service}`} />
  ),
})

const Section = (props: { readonly title: string; readonly children: React.ReactNode }) => (
  <StackItem>
    <Title headingLevel="h2">{props.title}</Title>
    {props.children}
  </StackItem>
)

const Figures = (props: { readonly answer: PipelineResponse }) => {
  const { answer } = props
  const services = useMemo(() => serviceRows(answer), [answer])
  const flow = useMemo(() => flowRows(answer), [answer])
  const errors = useMemo(() => topErrors(answer), [answer])
  const domain = useMemo(
    () => [new Date(answer.since), new Date(answer.until)] as const,
    [answer.since, answer.until],
  )
  const series = useMemo(
    () => ({
      throughput: chartSeries(answer, "throughput"),
      errors: chartSeries(answer, "errors"),
      p95: chartSeries(answer, "p95_seconds"),
    }),
    [answer],
  )
  if (answer.services.length === 0) {
    return (
      <NothingToShow title="No payloads in this window">
        No service saw a payload in this window. Pick a longer one.
      </NothingToShow>
    )
  }
  return (
    <>
      <Section title="Services">
        <DataTable
          label="Services"
          wrapHeaders
          rows={services}
          rowKey={(s) => s.service}
          columns={[
            { header: "service", cell: (s) => s.service },
            { header: "seen", cell: (s) => s.seen },
            { header: "rate", cell: (s) => s.rate },
            { header: "succeeded", cell: (s) => s.succeeded },
            linkedCount("failed", "failed", "failedLink"),
            { header: "error rate", cell: (s) => s.errorRate },
            { header: "p50", cell: (s) => s.p50 },
            { header: "p95", cell: (s) => s.p95 },
            { header: "p99", cell: (s) => s.p99 },
            // No link: the Payloads filters cannot say "open in this service" (stalled ones are open too).
            { header: "open", cell: (s) => s.openNow },
            linkedCount("stalled", "stalledNow", "stalledLink"),
          ]}
        />
        <Content component="small">
          Durations: each service's time from received to its last success or error, of the stages that
          finished.
        </Content>
      </Section>
      <Section title="Over time">
        <Content component="p">Buckets of {readableSeconds(answer.bucket_seconds)}.</Content>
        <Title headingLevel="h3">Throughput</Title>
        <SeriesChart
          title="Throughput per service"
          description="Payloads first seen by each service per bucket"
          series={series.throughput}
          format={count}
          domain={domain}
        />
        <Title headingLevel="h3">Errors</Title>
        <SeriesChart
          title="Errors per service"
          description="Payloads that ended in error in each service per bucket"
          series={series.errors}
          format={count}
          domain={domain}
        />
        <Title headingLevel="h3">p95 stage duration</Title>
        <SeriesChart
          title="p95 stage duration per service"
          description="95th percentile of each service's stage duration per bucket"
          series={series.p95}
          format={readableSeconds}
          domain={domain}
        />
      </Section>
      <Section title="Flow between services">
        {flow.length === 0 ? (
          <Content component="p">No payload went from one service to another in this window.</Content>
        ) : (
          <>
            <FlowChart rows={flow} />
            <DataTable
              label="Flow"
              striped={false}
              rows={flow}
              rowKey={(f) => `${f.from}->${f.to}`}
              columns={[
                { header: "from", cell: (f) => f.from },
                { header: "to", cell: (f) => f.to },
                { header: "payloads", cell: (f) => f.count },
                { header: "of those from seen", dataLabel: "share", cell: (f) => f.share },
              ]}
            />
          </>
        )}
      </Section>
      <Section title="Top errors">
        {errors.length === 0 ? (
          <Content component="p">No errors in this window.</Content>
        ) : (
          <DataTable
            label="Top errors"
            rows={errors}
            rowKey={(e) => `${e.service}|${e.status}|${e.message}`}
            columns={[
              { header: "service", cell: (e) => e.service },
              { header: "status", cell: (e) => e.status },
              { header: "message", cell: (e) => e.message },
              {
                header: "payloads",
                cell: (e) => (
                  <Link to={e.link} aria-label={`${payloads(e.count)} with ${e.status} in ${e.service}`}>
                    {e.count}
                  </Link>
                ),
              },
              { header: "example", cell: (e) => <TrackLink requestId={e.exampleRequestId} /> },
            ]}
          />
        )}
      </Section>
    </>
  )
}

/** Stalled payloads now (any window): where each waits is its open service, from its summary. */
const StalledList = () => {
  const [result] = useApi<ListResponse<Row>>("/payloads", STALLED_QUERY, STALLED_RESPONSE)
  if (result.kind === "error")
    return <Content component="p">Could not load stalled payloads: {result.error.message}</Content>
  if (result.kind === "loading") return <Spinner size="md" aria-label="Loading stalled payloads" />
  const { data, count: total } = result.data
  if (total === 0) return <Content component="p">No payload is stalled.</Content>
  return (
    <>
      <Content component="p">
        {total} stalled (no status for over an hour).{" "}
        {total > data.length && <Link to={STALLED_PAGE_LINK}>All of them on the Payloads page</Link>}
      </Content>
      <DataTable
        label="Stalled payloads"
        rows={data}
        rowKey={(row) => String(row.request_id)}
        columns={[
          { header: "request_id", cell: (row) => <TrackLink requestId={String(row.request_id)} /> },
          { header: "created_at", cell: (row) => String(row.created_at ?? "") },
          { header: "stuck in", cell: (row) => String(row.where ?? "") },
        ]}
      />
    </>
  )
}

/** `/pipeline`: the fleet's view over a window; lazy-loaded (the chart library is the bundle's biggest part). */
const PipelinePage = () => {
  const location = useAppLocation()
  const span = useMemo(() => parsePipelineWindow(location.params), [location.params])
  const [now, setNow] = useState(() => Date.now())
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new URL is a new "now" for the quick window
  const apiParams = useMemo(() => pipelineApiParams(span, Date.now()).toString(), [span, now])
  const [result, reload] = useApi<PipelineResponse>("/pipeline", apiParams, pipelineResponse)
  const data = result.kind === "ok" ? result.data : result.kind === "loading" ? result.previous : undefined
  const show = (next: PipelineWindow) => {
    const query = pipelineWindowToParams(next).toString()
    navigate(`/pipeline${query ? `?${query}` : ""}`)
  }
  return (
    <PageSection>
      <Stack hasGutter>
        <StackItem>
          <Title headingLevel="h1">Pipeline</Title>
          <Flex alignItems={{ default: "alignItemsCenter" }}>
            <FlexItem>
              <FormSelect
                id="pipeline-window"
                aria-label="Pipeline window"
                value={span.kind === "quick" ? span.key : "custom"}
                onChange={(_event, key) =>
                  show({ kind: "quick", key: key as (typeof PIPELINE_RANGES)[number]["key"] })
                }
              >
                {span.kind === "absolute" && <FormSelectOption value="custom" label="The link's window" />}
                {PIPELINE_RANGES.map((r) => (
                  <FormSelectOption key={r.key} value={r.key} label={r.label} />
                ))}
              </FormSelect>
            </FlexItem>
            <FlexItem>
              <Content component="p">{data ? `${data.since} to ${data.until}` : "…"}</Content>
            </FlexItem>
            {result.kind === "loading" && data !== undefined && (
              <FlexItem>
                <Spinner size="md" aria-label="Refreshing" />
              </FlexItem>
            )}
          </Flex>
        </StackItem>
        <AnswerStates
          noun="the pipeline"
          error={result.kind === "error" ? result.error : undefined}
          data={data}
          onRetry={() => {
            setNow(Date.now())
            reload()
          }}
          onReset={() => navigate("/pipeline")}
        >
          {(answer) => <Figures answer={answer} />}
        </AnswerStates>
        <Section title="Stalled now">
          <StalledList />
        </Section>
      </Stack>
    </PageSection>
  )
}

export default PipelinePage
