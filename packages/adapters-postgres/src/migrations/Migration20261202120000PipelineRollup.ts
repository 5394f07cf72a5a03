import { Migration } from "@mikro-orm/migrations"
import { CREATE_ROLLUP, DROP_ROLLUP } from "../PipelineRollup.ts"

/**
 * The pipeline rollup (PipelineRollup.ts; docs/postgres.md, "The pipeline rollup"): per 5-minute cell and
 * service, what `GET /pipeline` aggregates, built here from every stored summary and refreshed afterwards by
 * the consumer. The build reads `payload_services` once (≈1 min at 10M statuses on the development machine).
 */
export class Migration20261202120000PipelineRollup extends Migration {
  override up(): void {
    for (const statement of CREATE_ROLLUP) this.addSql(statement)
  }

  override down(): void {
    for (const statement of DROP_ROLLUP) this.addSql(statement)
  }
}
