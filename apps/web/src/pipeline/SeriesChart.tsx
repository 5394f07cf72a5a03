import {
  Chart,
  ChartAxis,
  ChartGroup,
  ChartLegend,
  ChartLine,
  ChartThemeColor,
  ChartVoronoiContainer,
} from "@patternfly/react-charts/victory"
import type { ChartSeries } from "./PipelineModel.ts"

const pad = (n: number) => String(n).padStart(2, "0")
const clock = (d: Date): string => `${pad(d.getHours())}:${pad(d.getMinutes())}`
/** Beyond a day the clock alone repeats: ticks and tooltips then carry the date too (local time). */
const dayAndClock = (d: Date): string => `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${clock(d)}`

/** One line per service over the window's buckets (PatternFly's Victory charts), tooltips on hover. */
export const SeriesChart = (props: {
  readonly title: string
  readonly description: string
  readonly series: ReadonlyArray<ChartSeries>
  readonly format: (y: number) => string
  /** The whole window, so every chart shares one time axis (a series with gaps would otherwise shrink it). */
  readonly domain: readonly [Date, Date]
}) => {
  const drawn = props.series.filter((s) => s.points.length > 0)
  const when = props.domain[1].getTime() - props.domain[0].getTime() > 86_400_000 ? dayAndClock : clock
  return (
    <div className="pt-chart" data-chart={props.title}>
      <Chart
        ariaTitle={props.title}
        ariaDesc={props.description}
        containerComponent={
          <ChartVoronoiContainer
            labels={({ datum }: { datum: { name: string; x: Date; y: number } }) =>
              `${datum.name} ${when(datum.x)}: ${props.format(datum.y)}`
            }
            constrainToVisibleArea
          />
        }
        legendData={drawn.map((s) => ({ name: s.name }))}
        legendPosition="bottom"
        legendComponent={<ChartLegend />}
        height={260}
        width={900}
        padding={{ bottom: 70, left: 70, right: 30, top: 20 }}
        scale={{ x: "time", y: "linear" }}
        domain={{ x: [props.domain[0], props.domain[1]] }}
        themeColor={ChartThemeColor.multiOrdered}
      >
        <ChartAxis tickFormat={(t: Date) => when(new Date(t))} fixLabelOverlap />
        <ChartAxis dependentAxis showGrid tickFormat={(t: number) => props.format(t)} />
        <ChartGroup>
          {drawn.map((s) => (
            <ChartLine key={s.name} name={s.name} data={s.points.map((p) => ({ ...p, name: s.name }))} />
          ))}
        </ChartGroup>
      </Chart>
    </div>
  )
}
