import { Content, Title, Tooltip } from "@patternfly/react-core"
import type { StatusKind } from "@pt/domain/StatusVocabulary"
import { Micros } from "@pt/domain/Timestamp"
import { readableDuration } from "../lib/Format.ts"
import { KIND_NAME } from "./StatusKindLabel.tsx"
import { type Tick, timeAxis } from "./TimeAxis.ts"
import type { Lane, TrackStatus } from "./TrackModel.ts"

const KINDS: ReadonlyArray<StatusKind> = ["received", "progress", "success", "error"]

const position = (micros: Micros, start: Micros, span: Micros): string =>
  `${span === 0 ? 0 : ((micros - start) / span) * 100}%`

/** What a marker says, to a screen reader (its name) and in its tooltip: lane, status, time, message. */
const markerName = (lane: string, s: TrackStatus, start: Micros): string =>
  `${lane}: ${s.status} at ${s.date} (+${readableDuration(Micros.make(s.micros - start))})${s.status_msg ? `: ${s.status_msg}` : ""}`

/**
 * A status on its lane: a real button (Tab reaches it, the focus ring shows) whose details appear in a tooltip on
 * focus as on hover; its accessible name carries the same details, so the tooltip adds nothing to read twice.
 */
const Marker = (props: {
  readonly lane: string
  readonly status: TrackStatus
  readonly start: Micros
  readonly span: Micros
}) => {
  const { lane, status: s, start } = props
  const details = (
    <div className="pt-timeline__tip">
      <div>
        <strong>{lane}</strong> · {s.status}
      </div>
      <div>
        {s.date} (+{readableDuration(Micros.make(s.micros - start))})
      </div>
      {s.status_msg && <div>{s.status_msg}</div>}
    </div>
  )
  return (
    <Tooltip content={details} aria="none" isContentLeftAligned entryDelay={100} exitDelay={100}>
      <button
        type="button"
        className={`pt-timeline__marker pt-kind--${s.kind}`}
        style={{ left: position(s.micros, start, props.span) }}
        aria-label={markerName(lane, s, start)}
        data-kind={s.kind}
      />
    </Tooltip>
  )
}

const GridLines = (props: { readonly ticks: ReadonlyArray<Tick> }) =>
  props.ticks.map((t) => (
    <span key={t.offset} className="pt-timeline__grid" style={{ left: `${t.percent}%` }} aria-hidden="true" />
  ))

const LaneRow = (props: {
  readonly lane: Lane
  readonly start: Micros
  readonly span: Micros
  readonly ticks: ReadonlyArray<Tick>
}) => {
  const { lane, start, span } = props
  const errors = lane.statuses.filter((s) => s.kind === "error")
  return (
    <li className="pt-timeline__lane" data-lane={lane.key}>
      <span className="pt-timeline__label">{lane.key}</span>
      <span className="pt-timeline__track">
        <GridLines ticks={props.ticks} />
        <span
          className="pt-timeline__bar"
          style={{
            left: position(lane.first, start, span),
            width: span === 0 ? "0%" : `${((lane.last - lane.first) / span) * 100}%`,
          }}
        />
        {lane.statuses.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a lane's statuses are ordered and only appended
          <Marker key={i} lane={lane.key} status={s} start={start} span={span} />
        ))}
      </span>
      <span className="pt-timeline__span" title="From the lane's first to its last status">
        {readableDuration(Micros.make(lane.last - lane.first))}
      </span>
      {errors.length > 0 && (
        <ul className="pt-timeline__errors" aria-label={`${lane.key} errors`}>
          {errors.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: as above
            <li key={i}>
              <strong>{s.status}</strong> at {s.date}
              {s.status_msg ? `: ${s.status_msg}` : ""}
            </li>
          ))}
        </ul>
      )}
    </li>
  )
}

/** The tick axis above the lanes, in the lanes' grid so 0 and 100 % line up with theirs. */
const Axis = (props: { readonly ticks: ReadonlyArray<Tick> }) => (
  <div className="pt-timeline__axis-row" aria-hidden="true" data-axis="">
    <span className="pt-timeline__axis-caption">since first status</span>
    <span className="pt-timeline__axis">
      {props.ticks.map((t) => (
        <span key={t.offset} className="pt-timeline__tick" style={{ left: `${t.percent}%` }}>
          <span className="pt-timeline__tick-label">{t.label}</span>
        </span>
      ))}
    </span>
    <span className="pt-timeline__axis-caption pt-timeline__span">lane span</span>
  </div>
)

/**
 * One lane per `service:source` on a shared time axis (ticks relative to the first status): a bar from the
 * lane's first to its last status and a marker per status coloured by kind. Error messages are written out under
 * their lane, not hidden in tooltips.
 */
export const Timeline = (props: { readonly lanes: ReadonlyArray<Lane> }) => {
  const start = Micros.make(Math.min(...props.lanes.map((l) => l.first)))
  const end = Math.max(...props.lanes.map((l) => l.last))
  const span = Micros.make(end - start)
  const { ticks } = timeAxis(span)
  const first = props.lanes.flatMap((l) => l.statuses).find((s) => s.micros === start)
  return (
    <section aria-labelledby="pt-timeline-title" className="pt-timeline">
      <Title headingLevel="h2" id="pt-timeline-title">
        Timeline
      </Title>
      <Content component="p" className="pt-timeline__legend">
        {KINDS.map((kind) => (
          <span key={kind} className="pt-timeline__legend-item">
            <span className={`pt-timeline__swatch pt-kind--${kind}`} aria-hidden="true" />
            {KIND_NAME[kind]}
          </span>
        ))}
        <span className="pt-timeline__legend-item pt-timeline__legend-note">
          Times from the first status{first ? ` (${first.date})` : ""}; whole timeline{" "}
          {readableDuration(Micros.make(span))}. Tab to a marker for its details.
        </span>
      </Content>
      <Axis ticks={ticks} />
      <ol className="pt-timeline__lanes" aria-label="Lanes by service and source">
        {props.lanes.map((lane) => (
          <LaneRow key={lane.key} lane={lane} start={start} span={span} ticks={ticks} />
        ))}
      </ol>
    </section>
  )
}
