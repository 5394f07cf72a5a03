import type { ListPageSpec } from "../components/ListPageSpec.ts"
import { ListView } from "../components/ListView.tsx"

// "Recorded Statuses": the columns and filters of docs/web.md, plus request_id (a filter the API accepts).
const STATUSES: ListPageSpec = {
  title: "Recorded Statuses",
  noun: "statuses",
  endpoint: "/statuses",
  path: "/statuses",
  filters: ["service", "source", "status", "status_msg", "request_id"],
  sortFields: ["service", "source", "request_id", "status", "status_msg", "date", "created_at"],
  defaultSort: "date",
  timeField: "date",
  columns: [
    { key: "request_id", label: "request_id", sortable: true, kind: "track-link" },
    { key: "service", label: "service", sortable: true, kind: "filter" },
    { key: "source", label: "source", sortable: true, kind: "filter" },
    { key: "status", label: "status", sortable: true, kind: "filter" },
    { key: "status_msg", label: "status_msg", sortable: true, kind: "filter" },
    { key: "date", label: "date", sortable: true, kind: "text" },
    { key: "created_at", label: "created_at", sortable: true, kind: "text" },
  ],
}

export const StatusesPage = () => <ListView spec={STATUSES} />
