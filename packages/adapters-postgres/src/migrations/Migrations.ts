import type { MigrationObject } from "@mikro-orm/core"
import { Migration20261123000000Initial } from "./Migration20261123000000Initial.ts"
import { Migration20261123140000StoreCounts } from "./Migration20261123140000StoreCounts.ts"
import { Migration20261123150000StatusCounts } from "./Migration20261123150000StatusCounts.ts"
import { Migration20261123160000StatusMsgIndex } from "./Migration20261123160000StatusMsgIndex.ts"
import { Migration20261201000000PayloadSummary } from "./Migration20261201000000PayloadSummary.ts"
import { Migration20261201230000StatusPayloadInclude } from "./Migration20261201230000StatusPayloadInclude.ts"
import { Migration20261202000000PackedSummary } from "./Migration20261202000000PackedSummary.ts"
import { Migration20261202120000PipelineRollup } from "./Migration20261202120000PipelineRollup.ts"
import { Migration20261202130000SummaryCreatedAtInclude } from "./Migration20261202130000SummaryCreatedAtInclude.ts"
import { Migration20261202150000PipelineRollupVersion } from "./Migration20261202150000PipelineRollupVersion.ts"
import { Migration20261202160000SummaryKeyIncludesCreatedAt } from "./Migration20261202160000SummaryKeyIncludesCreatedAt.ts"
import { Migration20261202170000OutcomeIndexIncludesPayloadId } from "./Migration20261202170000OutcomeIndexIncludesPayloadId.ts"

/** Every migration, in order. Listed explicitly: no file globbing, so it works from source and in bundles. */
export const migrationsList: Array<MigrationObject> = [
  { name: "Migration20261123000000Initial", class: Migration20261123000000Initial },
  { name: "Migration20261123140000StoreCounts", class: Migration20261123140000StoreCounts },
  { name: "Migration20261123150000StatusCounts", class: Migration20261123150000StatusCounts },
  { name: "Migration20261123160000StatusMsgIndex", class: Migration20261123160000StatusMsgIndex },
  { name: "Migration20261201000000PayloadSummary", class: Migration20261201000000PayloadSummary },
  { name: "Migration20261201230000StatusPayloadInclude", class: Migration20261201230000StatusPayloadInclude },
  { name: "Migration20261202000000PackedSummary", class: Migration20261202000000PackedSummary },
  { name: "Migration20261202120000PipelineRollup", class: Migration20261202120000PipelineRollup },
  {
    name: "Migration20261202130000SummaryCreatedAtInclude",
    class: Migration20261202130000SummaryCreatedAtInclude,
  },
  {
    name: "Migration20261202150000PipelineRollupVersion",
    class: Migration20261202150000PipelineRollupVersion,
  },
  {
    name: "Migration20261202160000SummaryKeyIncludesCreatedAt",
    class: Migration20261202160000SummaryKeyIncludesCreatedAt,
  },
  {
    name: "Migration20261202170000OutcomeIndexIncludesPayloadId",
    class: Migration20261202170000OutcomeIndexIncludesPayloadId,
  },
]
