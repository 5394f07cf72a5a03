import { OUTCOMES } from "../api/ApiTypes.ts"
import type { ListPageSpec } from "../components/ListPageSpec.ts"
import { ListView } from "../components/ListView.tsx"

// Columns, filters and sort fields as the existing UI and docs/api.md have them ("Recorded Requests"), plus the
// summary's outcome and where it failed or waits (`summary=true`), and the outcome/service/status filters.
const PAYLOADS: ListPageSpec = {
  title: "Recorded Requests",
  noun: "payloads",
  endpoint: "/payloads",
  path: "/payloads",
  filters: ["account", "org_id", "inventory_id", "system_id", "request_id", "outcome", "service", "status"],
  choices: { outcome: OUTCOMES },
  fixedApiParams: { summary: "true" },
  sortFields: ["account", "org_id", "inventory_id", "system_id", "created_at"],
  defaultSort: "created_at",
  timeField: "created_at",
  columns: [
    { key: "request_id", label: "request_id", sortable: false, kind: "track-link" },
    { key: "account", label: "account", sortable: true, kind: "filter" },
    { key: "org_id", label: "org_id", sortable: true, kind: "filter" },
    { key: "inventory_id", label: "inventory_id", sortable: true, kind: "host" },
    { key: "system_id", label: "system_id", sortable: true, kind: "host" },
    { key: "created_at", label: "created_at", sortable: true, kind: "text" },
    { key: "outcome", label: "outcome", sortable: false, kind: "outcome" },
    { key: "where", label: "where", sortable: false, kind: "text" },
  ],
}

export const PayloadsPage = () => <ListView spec={PAYLOADS} />
