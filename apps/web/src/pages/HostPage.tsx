import {
  Content,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  FormSelect,
  FormSelectOption,
  Label,
  LabelGroup,
  PageSection,
  Stack,
  StackItem,
  Title,
} from "@patternfly/react-core"
import { type ReactNode, useMemo } from "react"
import type { HostResponse } from "../api/ApiTypes.ts"
import { hostResponse } from "../api/Decode.ts"
import { useApi } from "../api/useApi.ts"
import { DataTable } from "../components/DataTable.tsx"
import { OutcomeLabel } from "../components/OutcomeLabel.tsx"
import { AnswerStates, NothingToShow } from "../components/ResultStates.tsx"
import { TrackLink } from "../components/TrackLink.tsx"
import { HOST_PAGE_SIZES, type HostKey, hostPath, hostView, parseHostQuery } from "../hosts/HostModel.ts"
import { Link } from "../routing/Link.tsx"
import { navigate, useAppLocation } from "../routing/Router.ts"

const SERVICE_COLOR = { success: "green", error: "red", open: "blue" } as const

const HostLinks = (props: { readonly name: HostKey; readonly ids: ReadonlyArray<string> }) =>
  props.ids.length === 0 ? (
    <>—</>
  ) : (
    <LabelGroup numLabels={10} aria-label={`${props.name}s seen`}>
      {props.ids.map((id) => (
        <Label key={id} variant="outline">
          <Link to={hostPath(props.name, id)} aria-label={`Host page of ${props.name} ${id}`}>
            {id}
          </Link>
        </Label>
      ))}
    </LabelGroup>
  )

/** One line of the host summary: a term and what the host shows for it. */
const Fact = (props: { readonly term: string; readonly testId?: string; readonly children: ReactNode }) => (
  <DescriptionListGroup>
    <DescriptionListTerm>{props.term}</DescriptionListTerm>
    <DescriptionListDescription data-testid={props.testId}>{props.children}</DescriptionListDescription>
  </DescriptionListGroup>
)

/** `/host?inventory_id=X` or `?system_id=Y`: what a host uploaded lately and how each upload ended. */
export const HostPage = () => {
  const location = useAppLocation()
  const query = parseHostQuery(location.params)
  const sizeParam = Number(location.params.get("page_size"))
  const pageSize = (HOST_PAGE_SIZES as ReadonlyArray<number>).includes(sizeParam) ? sizeParam : 20
  const apiParams =
    query === undefined
      ? ""
      : new URLSearchParams({ [query.key]: query.value, page_size: String(pageSize) }).toString()
  const [result, reload] = useApi<HostResponse>(query && "/hosts", apiParams, hostResponse)
  const data = result.kind === "ok" ? result.data : result.kind === "loading" ? result.previous : undefined
  const view = useMemo(() => (data === undefined ? undefined : hostView(data)), [data])

  if (query === undefined) {
    return (
      <PageSection>
        <Title headingLevel="h1">Host</Title>
        <Content component="p">
          Open a host from an inventory_id or system_id on the Payloads or Track page (the link takes exactly
          one of <code>inventory_id</code> and <code>system_id</code>).
        </Content>
      </PageSection>
    )
  }
  const title = `Host ${query.key} ${query.value}`
  const otherKey = query.key === "inventory_id" ? "system_id" : "inventory_id"
  const body =
    result.kind === "error" && result.error.status === 404 ? (
      <NothingToShow title="No uploads from this host">
        The tracker has no payload with this {query.key} (retention keeps 7 days). Check the id, or search the
        Payloads page.
      </NothingToShow>
    ) : (
      <AnswerStates
        noun="this host"
        error={result.kind === "error" ? result.error : undefined}
        data={view}
        onRetry={reload}
        onReset={() => navigate("/payloads")}
      >
        {(view) => (
          <Stack hasGutter>
            <StackItem>
              <DescriptionList isHorizontal isCompact aria-label="Host summary">
                <Fact term="inventory_ids seen">
                  <HostLinks name="inventory_id" ids={view.inventoryIds} />
                </Fact>
                <Fact term="system_ids seen">
                  <HostLinks name="system_id" ids={view.systemIds} />
                </Fact>
                <Fact term="First seen">{view.firstSeen}</Fact>
                <Fact term="Last seen">{view.lastSeen}</Fact>
                <Fact term="Uploads succeeded" testId="host-succeeded">
                  {view.successText}
                </Fact>
                <Fact term="All its payloads">
                  <Link to={`/payloads?${new URLSearchParams({ [query.key]: query.value })}`}>
                    Payloads with {query.key} {query.value}
                  </Link>
                </Fact>
              </DescriptionList>
            </StackItem>
            <StackItem>
              <Title headingLevel="h2">Uploads, newest first</Title>
              <Content component="p">
                {view.more > 0
                  ? `The newest ${view.uploads.length} of ${view.total}.`
                  : `All ${view.total} ${view.total === 1 ? "upload" : "uploads"}.`}{" "}
                <label htmlFor="host-page-size">Show </label>
                <FormSelect
                  id="host-page-size"
                  value={String(pageSize)}
                  className="pt-inline-select"
                  onChange={(_event, value) =>
                    navigate(
                      `${hostPath(query.key, query.value)}${value === "20" ? "" : `&page_size=${value}`}`,
                    )
                  }
                >
                  {HOST_PAGE_SIZES.map((size) => (
                    <FormSelectOption key={size} value={String(size)} label={`${size} uploads`} />
                  ))}
                </FormSelect>
              </Content>
              <DataTable
                label="Host uploads"
                rows={view.uploads}
                rowKey={(u) => u.request_id}
                columns={[
                  { header: "request_id", cell: (u) => <TrackLink requestId={u.request_id} /> },
                  { header: "created_at", cell: (u) => u.created_at },
                  { header: "outcome", cell: (u) => <OutcomeLabel outcome={u.outcome} /> },
                  {
                    header: "services",
                    cell: (u) =>
                      u.services.map((s) => (
                        <Label
                          key={s.service}
                          isCompact
                          variant="outline"
                          color={SERVICE_COLOR[s.state as keyof typeof SERVICE_COLOR]}
                          className="pt-service-chip"
                        >
                          {s.service}: {s.text}
                        </Label>
                      )),
                  },
                  { header: "where", cell: (u) => u.where },
                  { header: otherKey, dataLabel: "other id", cell: (u) => u[otherKey] },
                ]}
              />
            </StackItem>
          </Stack>
        )}
      </AnswerStates>
    )
  return (
    <PageSection>
      <Stack hasGutter>
        <StackItem>
          <Title headingLevel="h1">{title}</Title>
        </StackItem>
        <StackItem>{body}</StackItem>
      </Stack>
    </PageSection>
  )
}
