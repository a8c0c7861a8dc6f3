/**
 * A histogram counted in plain numbers: one bucket search and three additions per observation.
 * prom-client's own `Histogram.observe` hashes its label values on every call (0.5 us here), too
 * much for a per-node, per-event hook; the exporter turns these counts into Prometheus buckets
 * when /metrics is scraped.
 */
export class HistogramTally {
  /** Observations per bucket, not cumulative: counts[b] for bounds[b-1] < v <= bounds[b], the last for v > every bound (+Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: readonly number[]) {
    for (let b = 1; b < bounds.length; b++) if (!(bounds[b] > bounds[b - 1])) throw new Error(`histogram bounds must increase, found ${bounds[b - 1]} then ${bounds[b]}`);
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let b = 0;
    while (b < bounds.length && value > bounds[b]) b++; // Prometheus buckets are "less than or equal" (le)
    this.counts[b]++;
    this.sum += value;
    this.count++;
  }

  /** Cumulative counts per bound, then +Inf (= count): what a Prometheus `_bucket` series shows. */
  cumulative(): number[] {
    const out: number[] = [];
    let running = 0;
    for (let b = 0; b < this.counts.length; b++) out.push((running += this.counts[b]));
    return out;
  }
}
