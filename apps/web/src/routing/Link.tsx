import type { MouseEvent, ReactNode } from "react"
import { appHref, navigate } from "./Router.ts"

/** An ordinary link (open in new tab works) that navigates in-app on a plain left click. */
export const Link = (props: {
  readonly to: string
  readonly children: ReactNode
  readonly "aria-label"?: string
}) => {
  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
    event.preventDefault()
    navigate(props.to)
  }
  return (
    <a href={appHref(props.to)} onClick={onClick} aria-label={props["aria-label"]}>
      {props.children}
    </a>
  )
}
