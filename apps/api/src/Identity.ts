import { Effect, Predicate, Result } from "effect"
import * as Base64 from "effect/encoding/Base64"
import { Forbidden, Unauthorized } from "./ApiErrors.ts"

/**
 * The platform identity header: `x-rh-identity` = standard base64 of JSON. Associates (Red Hat staff) carry
 * their roles in `identity.associate.Role` (singular key, an array of strings).
 */
const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

const decodeIdentity = (header: string | undefined): Result.Result<unknown, Unauthorized> => {
  const value = header?.trim() ?? ""
  if (value === "") return Result.fail(Unauthorized.of("Missing Identity Header"))
  const text = STANDARD_BASE64.test(value) && value.length % 4 === 0 ? Base64.decodeString(value) : undefined
  if (text === undefined || Result.isFailure(text)) {
    return Result.fail(Unauthorized.of("Identity header is not valid base64"))
  }
  try {
    return Result.succeed(JSON.parse(text.success) as unknown)
  } catch {
    return Result.fail(Unauthorized.of("Identity header is not valid JSON"))
  }
}

const associateRoles = (identity: unknown): ReadonlyArray<string> => {
  const associate = Predicate.isObject(identity)
    ? (identity as { identity?: { associate?: { Role?: unknown } } }).identity?.associate
    : undefined
  const roles = Predicate.isObject(associate) ? associate.Role : undefined
  return Array.isArray(roles) ? roles.filter(Predicate.isString) : []
}

/** 401 without a readable identity, 403 without `role` (STORAGEBROKERURLROLE). */
export const requireRole = (
  header: string | undefined,
  role: string,
): Effect.Effect<void, Unauthorized | Forbidden> =>
  Result.match(decodeIdentity(header), {
    onFailure: Effect.fail,
    onSuccess: (identity) =>
      associateRoles(identity).includes(role)
        ? Effect.void
        : Effect.fail(Forbidden.of("You do not have the required permissions to access this resource")),
  })
