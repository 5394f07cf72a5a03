import {
  Content,
  EmptyState,
  EmptyStateBody,
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
import { Table, Tbody, Td, Th, Thead, Tr } from "@patternfly/react-table"
import { useMemo, useState } from "react"
import type { ListResponse, PipelineResponse } from "../api/ApiTypes.ts"
import { listResponse, pipelineResponse, summarizedListRow } from "../api/Decode.ts"
import { useApi } from "../api/useApi.ts"
import type { Row } from "../components/ListPageSpec.ts"
import { ErrorResults, LoadingState } from "../components/ResultStates.tsx"
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
      <EmptyState titleText="No payloads in this window" headingLevel="h2" variant="sm">
        <EmptyStateBody>No service saw a payload in this window. Pick a longer one.</EmptyStateBody>
      </EmptyState>
    )
  }
  return (
    <>
      <Section title="Services">
        <Table aria-label="Services" variant="compact" isStriped>
          <Thead>
            <Tr>
              {[
                "service",
                "seen",
                "rate",
                "succeeded",
                "failed",
                "error rate",
                "p50",
                "p95",
                "p99",
                "open",
                "stalled",
              ].map((h) => (
                <Th key={h} modifier="wrap">
                  {h}
                </Th>
              ))}
            </Tr>
          </Thead>
          <Tbody>
            {services.map((s) => (
              <Tr key={s.service}>
                <Td dataLabel="service">{s.service}</Td>
                <Td dataLabel="seen">{s.seen}</Td>
                <Td dataLabel="rate">{s.rate}</Td>
                <Td dataLabel="succeeded">{s.succeeded}</Td>
                <Td dataLabel="failed">
                  <CountLink
                    n={s.failed}
                    to={s.failedLink}
                    label={`${payloads(s.failed)} failed in ${s.service}`}
                  />
                </Td>
                <Td dataLabel="error rate">{s.errorRate}</Td>
                <Td dataLabel="p50">{s.p50}</Td>
                <Td dataLabel="p95">{s.p95}</Td>
                <Td dataLabel="p99">{s.p99}</Td>
                <Td dataLabel="open">
                  {/* No link: the Payloads filters cannot say "open in this service" (stalled ones are open too). */}
                  {s.openNow}
                </Td>
                <Td dataLabel="stalled">
                  <CountLink
                    n={s.stalledNow}
                    to={s.stalledLink}
                    label={`${payloads(s.stalledNow)} stalled in ${s.service}`}
                  />
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
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
            <Table aria-label="Flow" variant="compact">
              <Thead>
                <Tr>
                  <Th>from</Th>
                  <Th>to</Th>
                  <Th>payloads</Th>
                  <Th>of those from seen</Th>
                </Tr>
              </Thead>
              <Tbody>
                {flow.map((f) => (
                  <Tr key={`${f.from}->${f.to}`}>
                    <Td dataLabel="from">{f.from}</Td>
                    <Td dataLabel="to">{f.to}</Td>
                    <Td dataLabel="payloads">{f.count}</Td>
                    <Td dataLabel="share">{f.share}</Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          </>
        )}
      </Section>
      <Section title="Top errors">
        {errors.length === 0 ? (
          <Content component="p">No errors in this window.</Content>
        ) : (
          <Table aria-label="Top errors" variant="compact" isStriped>
            <Thead>
              <Tr>
                <Th>service</Th>
                <Th>status</Th>
                <Th>message</Th>
                <Th>payloads</Th>
                <Th>example</Th>
              </Tr>
            </Thead>
            <Tbody>
              {errors.map((e) => (
                <Tr key={`${e.service}|${e.status}|${e.message}`}>
                  <Td dataLabel="service">{e.service}</Td>
                  <Td dataLabel="status">{e.status}</Td>
                  <Td dataLabel="message">{e.message}</Td>
                  <Td dataLabel="payloads">
                    <Link to={e.link} aria-label={`${payloads(e.count)} with ${e.status} in ${e.service}`}>
                      {e.count}
                    </Link>
                  </Td>
                  <Td dataLabel="example">
                    <Link to={`/track?request_id=${e.exampleRequestId}`}>{e.exampleRequestId}</Link>
                  </Td>
                </Tr>
              ))}
            </Tbody>
          </Table>
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
      <Table aria-label="Stalled payloads" variant="compact" isStriped>
        <Thead>
          <Tr>
            <Th>request_id</Th>
            <Th>created_at</Th>
            <Th>stuck in</Th>
          </Tr>
        </Thead>
        <Tbody>
          {data.map((row) => (
            <Tr key={String(row.request_id)}>
              <Td dataLabel="request_id">
                <Link to={`/track?request_id=${String(row.request_id)}`}>{String(row.request_id)}</Link>
              </Td>
              <Td dataLabel="created_at">{String(row.created_at ?? "")}</Td>
              <Td dataLabel="stuck in">{String(row.where ?? "")}</Td>
            </Tr>
          ))}
        </Tbody>
      </Table>
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
        {result.kind === "error" ? (
          <StackItem>
            <ErrorResults
              noun="the pipeline"
              error={result.error}
              onRetry={() => {
                setNow(Date.now())
                reload()
              }}
              onReset={() => navigate("/pipeline")}
            />
          </StackItem>
        ) : data === undefined ? (
          <StackItem>
            <LoadingState noun="the pipeline" />
          </StackItem>
        ) : (
          <Figures answer={data} />
        )}
        <Section title="Stalled now">
          <StalledList />
        </Section>
      </Stack>
    </PageSection>
  )
}

export default PipelinePage
