import { Title } from "@patternfly/react-core"
import { readableDuration } from "../lib/Format.ts"
import type { DurationBar } from "./TrackModel.ts"

/** Time per `service:source` (the API's `duration` map) as horizontal bars in readable units. */
export const DurationChart = (props: { readonly bars: ReadonlyArray<DurationBar> }) => {
  const max = Math.max(1, ...props.bars.map((b) => b.micros))
  return (
    <section aria-labelledby="pt-durations-title" className="pt-durations">
      <Title headingLevel="h2" id="pt-durations-title">
        Durations per service
      </Title>
      <ul className="pt-durations__bars" aria-label="Durations per service">
        {props.bars.map((bar) => (
          <li key={bar.key} className="pt-durations__row" data-duration={bar.key}>
            <span className="pt-durations__label">{bar.label}</span>
            <span className="pt-durations__track" aria-hidden="true">
              <span className="pt-durations__bar" style={{ width: `${(bar.micros / max) * 100}%` }} />
            </span>
            <span className="pt-durations__value" title={bar.text}>
              {readableDuration(bar.micros)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  )
}
