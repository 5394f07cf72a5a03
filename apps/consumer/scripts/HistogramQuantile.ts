/**
 * A quantile from a Prometheus histogram in exposition text, interpolated linearly inside the bucket that holds
 * it (what PromQL's histogram_quantile does): an estimate as fine as the buckets.
 */
export const histogramQuantile = (text: string, name: string, q: number): number => {
  const buckets: Array<{ le: number; count: number }> = []
  for (const line of text.split("\n")) {
    const match = new RegExp(`^${name}_bucket\\{(?:.*,)?le="([^"]+)"\\} (\\S+)$`).exec(line)
    if (match)
      buckets.push({
        le: match[1] === "+Inf" ? Number.POSITIVE_INFINITY : Number(match[1]),
        count: Number(match[2]),
      })
  }
  buckets.sort((a, b) => a.le - b.le)
  const total = buckets.at(-1)?.count ?? 0
  if (total === 0) return Number.NaN
  const rank = q * total
  let lowerLe = 0
  let lowerCount = 0
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return lowerLe
      return lowerLe + ((b.le - lowerLe) * (rank - lowerCount)) / Math.max(1, b.count - lowerCount)
    }
    lowerLe = b.le
    lowerCount = b.count
  }
  return lowerLe
}
