// Transitional: the errors now live beside their ports. Removed once every import points there.
export { ArchiveLinkFailed } from "./ports/ArchiveLinkRequestor.ts"
export { StoreUnavailable } from "./ports/StoreUnavailable.ts"
