import { Chart, ChartAxis, ChartBar, ChartThemeColor } from "@patternfly/react-charts/victory"
import type { FlowRow } from "./PipelineModel.ts"

/** The funnel as horizontal bars, one per hand-off in pipeline order (the table beside it has the numbers). */
export const FlowChart = (props: { readonly rows: ReadonlyArray<FlowRow> }) => {
  if (props.rows.length === 0) return null
  const data = props.rows.map((r) => ({ x: `${r.from} → ${r.to}`, y: r.count }))
  return (
    <div className="pt-chart" data-chart="flow">
      <Chart
        ariaTitle="Payloads handed from service to service"
        ariaDesc="One bar per hand-off between consecutive services, in pipeline order"
        horizontal
        domainPadding={{ x: 20 }}
        height={Math.max(120, 40 * data.length + 60)}
        width={900}
        padding={{ bottom: 40, left: 220, right: 40, top: 10 }}
        themeColor={ChartThemeColor.blue}
      >
        {/* Horizontal: x is the category axis on the left, first hand-off on top. */}
        <ChartAxis invertAxis />
        <ChartAxis dependentAxis showGrid />
        <ChartBar
          data={data}
          labels={({ datum }: { datum: { y: number } }) => String(datum.y)}
          barWidth={20}
        />
      </Chart>
    </div>
  )
}
