import { formatTimestamp, Micros, parseRfc3339 } from "@pt/domain/Timestamp"
import { Option, Schema, SchemaGetter } from "effect"

/**
 * The encodings the answers share. A response schema's Type side holds the domain's values (microseconds, `""`
 * for "none", `undefined` for "not known"), its Encoded side the wire's (docs/api.md): a handler returns domain
 * values and HttpApi's encoding writes the timestamps, the seconds and the omitted keys. The JSON Schema of
 * openapi.json is the Encoded side, so what these add on the Type side never reaches it.
 */

/**
 * Microseconds ↔ RFC 3339 text as Go's RFC3339Nano prints it (UTC, fraction without trailing zeros); `text`
 * is the wire's string schema (its checks and documentation). Decoding a query parameter relies on `text`'s
 * checks having accepted the text.
 */
export const timestampFrom = <S extends Schema.Codec<string, string>>(text: S) =>
  text.pipe(
    Schema.decodeTo(Schema.Number, {
      decode: SchemaGetter.transform((s: string) => parseRfc3339(s) ?? Number.NaN),
      encode: SchemaGetter.transform((n: number) => formatTimestamp(Micros.make(n))),
    }),
  )

/** A timestamp of an answer. */
export const Timestamp = timestampFrom(Schema.String)

const MICROS_PER_SECOND = 1_000_000

/** Microseconds ↔ seconds with microsecond precision (`seconds` is the wire's number schema). */
export const secondsFrom = <S extends Schema.Codec<number, number>>(seconds: S) =>
  seconds.pipe(
    Schema.decodeTo(Schema.Number, {
      decode: SchemaGetter.transform((s: number) => Math.round(s * MICROS_PER_SECOND)),
      encode: SchemaGetter.transform((micros: number) => micros / MICROS_PER_SECOND),
    }),
  )

export const Seconds = secondsFrom(Schema.Number)

/** A text key the wire leaves out when the value is `""` (the domain's "none"), or when it is absent. */
export const Text = Schema.optionalKey(Schema.String).pipe(
  Schema.decodeTo(Schema.optionalKey(Schema.String), {
    decode: SchemaGetter.passthrough(),
    encode: SchemaGetter.transformOptional((o: Option.Option<string>) => Option.filter(o, (s) => s !== "")),
  }),
)

/** A key the wire leaves out when the domain's value is `undefined` (the domain keeps such keys present). */
export const omittedWhenUndefined = <S extends Schema.Top>(schema: S) =>
  Schema.optionalKey(schema).pipe(
    Schema.decodeTo(Schema.optional(Schema.toType(schema)), {
      decode: SchemaGetter.passthrough(),
      encode: SchemaGetter.transformOptional((o: Option.Option<S["Type"] | undefined>) =>
        Option.filter(o, (v): v is S["Type"] => v !== undefined),
      ),
    }),
  )
