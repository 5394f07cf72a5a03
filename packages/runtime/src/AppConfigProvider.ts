import { readFile } from "node:fs/promises"
import { ConfigProvider, Effect, type Layer, Schema } from "effect"
import { ClowderDocument, clowderSettings } from "./ClowderConfig.ts"

type Env = Readonly<Record<string, string | undefined>>

const decodeClowder = Schema.decodeUnknownEffect(Schema.fromJsonString(ClowderDocument))

const readClowder = (path: string) =>
  Effect.tryPromise(() => readFile(path, "utf8")).pipe(
    Effect.flatMap(decodeClowder),
    Effect.mapError(
      (error) =>
        new ConfigProvider.SourceError({
          message: `cannot read the Clowder config file ACG_CONFIG=${path}: ${
            Schema.isSchemaError(error) ? error.message : String(error.cause)
          }`,
          cause: error,
        }),
    ),
  )

/**
 * The one source of settings for every process: the environment, and when `ACG_CONFIG` names a Clowder file,
 * that file mapped onto the same plain names (see `clowderSettings` for which side wins). Adapters and apps read
 * only plain names with `Config`; none of them knows about Clowder. A file that cannot be read or does not have
 * Clowder's shape fails startup.
 */
export const appConfigProvider = (
  env: Env = process.env,
): Effect.Effect<ConfigProvider.ConfigProvider, ConfigProvider.SourceError> => {
  const fromEnv = ConfigProvider.fromEnvRecord({ ...env })
  const file = env.ACG_CONFIG
  if (file === undefined || file === "") return Effect.succeed(fromEnv)
  return Effect.map(readClowder(file), (doc) => {
    const { defaults, overrides } = clowderSettings(doc, env)
    return ConfigProvider.fromEnvRecord(overrides, { preserveEmptyStrings: true }).pipe(
      ConfigProvider.orElse(fromEnv),
      ConfigProvider.orElse(ConfigProvider.fromEnvRecord(defaults)),
    )
  })
}

/** Installs `appConfigProvider` for everything built after it: every main.ts provides it first. */
export const AppConfigProviderLayer = (env?: Env): Layer.Layer<never, ConfigProvider.SourceError> =>
  ConfigProvider.layer(appConfigProvider(env))
