/**
 * The Kibana discover link of docs/api.md. Every inserted value is escaped twice over: for Lucene inside the
 * query string, then for rison inside a quoted string (`!` → `!!`, `'` → `!'`), and finally URL-encoded, so a
 * crafted `service` cannot close the quote, add filters or break the URL.
 */
const LUCENE_SPECIAL = /[+\-&|!(){}[\]^"~*?:\\/ ]/g

const escapeLucene = (value: string): string => value.replace(LUCENE_SPECIAL, (c) => `\\${c}`)
const escapeRison = (value: string): string => value.replace(/[!']/g, (c) => `!${c}`)

// encodeURIComponent leaves `!'()*` alone; the rison escape has already neutralised `!` and `'`.
const value = (raw: string): string => encodeURIComponent(escapeRison(raw))
const term = (raw: string): string => value(escapeLucene(raw))

interface KibanaSettings {
  readonly kibanaUrl: string
  readonly kibanaIndex: string
  readonly kibanaServiceField: string
}

export const kibanaLink = (
  settings: KibanaSettings,
  requestId: string,
  service: string | undefined,
): string => {
  // The template's own characters (`:`, the spaces around AND) stay literal, exactly as docs/api.md prints them.
  let query = `request_id:${term(requestId)}`
  if (service !== undefined && service !== "")
    query += ` AND ${term(settings.kibanaServiceField)}:${term(service)}`
  return (
    `${settings.kibanaUrl}?_g=(filters:!(),refreshInterval:(pause:!t,value:0),time:(from:now-24h,to:now))` +
    `&_a=(columns:!(_source),filters:!(),index:'${value(settings.kibanaIndex)}',interval:auto,` +
    `query:(language:lucene,query:'${query}'),sort:!('@timestamp',desc))`
  )
}
