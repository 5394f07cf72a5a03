import { Content, Title } from "@patternfly/react-core"
import type { StatusKind } from "@pt/domain/Lifecycle"
import type { Micros } from "@pt/domain/Timestamp"
import { readableDuration } from "../lib/Format.ts"
import { KIND_NAME } from "./StatusKindLabel.tsx"
import type { Lane, TrackStatus } from "./TrackModel.ts"

const KINDS: ReadonlyArray<StatusKind> = ["received", "progress", "success", "error"]

const position = (micros: Micros, start: Micros, span: Micros): string =>
  `${span === 0 ? 0 : ((micros - start) / span) * 100}%`

const Marker = (props: { readonly status: TrackStatus; readonly start: Micros; readonly span: Micros }) => {
  const s = props.status
  const text = `${s.status} at ${s.date}${s.status_msg ? `: ${s.status_msg}` : ""}`
  return (
    <span
      className={`pt-timeline__marker pt-kind--${s.kind}`}
      style={{ left: position(s.micros, props.start, props.span) }}
      title={text}
      role="img"
      aria-label={text}
    />
  )
}

const LaneRow = (props: { readonly lane: Lane; readonly start: Micros; readonly span: Micros }) => {
  const { lane, start, span } = props
  const errors = lane.statuses.filter((s) => s.kind === "error")
  return (
    <li className="pt-timeline__lane" data-lane={lane.key}>
      <span className="pt-timeline__label">{lane.key}</span>
      <span className="pt-timeline__track">
        <span
          className="pt-timeline__bar"
          style={{
            left: position(lane.first, start, span),
            width: span === 0 ? "0%" : `${((lane.last - lane.first) / span) * 100}%`,
          }}
        />
        {lane.statuses.map((s, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a lane's statuses are ordered and only appended
          <Marker key={i} status={s} start={start} span={span} />
        ))}
      </span>
      <span className="pt-timeline__span">{readableDuration(lane.last - lane.first)}</span>
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

/**
 * One lane per `service:source` on a shared time axis: a bar from the lane's first to its last status and a
 * marker per status coloured by kind. Error messages are written out under their lane, not hidden in tooltips.
 */
export const Timeline = (props: { readonly lanes: ReadonlyArray<Lane> }) => {
  const start = Math.min(...props.lanes.map((l) => l.first))
  const end = Math.max(...props.lanes.map((l) => l.last))
  const span = end - start
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
        <span className="pt-timeline__legend-item">
          0 = first status, full width = {readableDuration(span)}
        </span>
      </Content>
      <ol className="pt-timeline__lanes" aria-label="Lanes by service and source">
        {props.lanes.map((lane) => (
          <LaneRow key={lane.key} lane={lane} start={start} span={span} />
        ))}
      </ol>
    </section>
  )
}
