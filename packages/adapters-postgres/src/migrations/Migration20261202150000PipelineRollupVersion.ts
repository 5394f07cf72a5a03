import { Migration } from "@mikro-orm/migrations"
import { CREATE_ROLLUP_VERSION, DROP_ROLLUP_VERSION } from "../PipelineRollup.ts"

/**
 * The pipeline rollup's version (PipelineRollup.ts CREATE_ROLLUP_VERSION): one row the rollup's refresh bumps
 * whenever it changes cells, so `GET /pipeline` may answer a window it has just read again from what it read,
 * as long as the version has not moved (queries/Analytics.ts). The rollup's tables are not changed.
 */
export class Migration20261202150000PipelineRollupVersion extends Migration {
  override up(): void {
    for (const statement of CREATE_ROLLUP_VERSION) this.addSql(statement)
  }

  override down(): void {
    for (const statement of DROP_ROLLUP_VERSION) this.addSql(statement)
  }
}
