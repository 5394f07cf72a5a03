import { ServiceEntity, SourceEntity, StatusEntity } from "./Lookups.ts"
import { PayloadEntity } from "./PayloadEntity.ts"
import { PayloadStatusEntity } from "./PayloadStatusEntity.ts"

/** Every table of the store, for MikroORM's metadata (the schema itself comes from the migrations). */
export const allEntities = [ServiceEntity, SourceEntity, StatusEntity, PayloadEntity, PayloadStatusEntity]
