// PatternFly's base styles bundle its fonts (Red Hat Display/Text/Mono): no CDN is needed at run time.
import "@patternfly/react-core/dist/styles/base.css"
import "./app.css"
import { StrictMode } from "react"
import { createRoot } from "react-dom/client"
import { App } from "./App.tsx"

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
