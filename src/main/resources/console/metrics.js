// Reads the Prometheus text of /q/metrics into what the console's header shows. Pure, no DOM.

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Every sample of the text: [{name, labels, value}]. Comments and malformed lines are skipped. */
export function parsePrometheus(text) {
  const samples = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) {
      continue;
    }
    const labels = {};
    for (const label of (match[2] ?? '').matchAll(LABEL)) {
      labels[label[1]] = label[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
    }
    const value = Number(match[3] === '+Inf' ? Infinity : match[3] === '-Inf' ? -Infinity : match[3]);
    samples.push({ name: match[1], labels, value });
  }
  return samples;
}

/**
 * The smallest bucket bound under which at least the fraction q of the observations fall
 * (Prometheus' cumulative "le" buckets); Infinity when only the +Inf bucket holds them, null
 * without observations.
 */
export function histogramQuantile(buckets, q) {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.length === 0 ? 0 : sorted[sorted.length - 1].count;
  if (total === 0) {
    return null;
  }
  const wanted = q * total;
  for (const bucket of sorted) {
    if (bucket.count >= wanted) {
      return bucket.le;
    }
  }
  return Infinity;
}

/**
 * The header's figures: counts by status, oldest pending age, circuit, API usage, delivery lag
 * since the start of this replica, and the last reconciliation per account (null when the
 * service does not report reconciliation). A figure the text lacks is null.
 */
export function summarize(samples) {
  const first = (name) => samples.find((sample) => sample.name === name)?.value ?? null;
  const counts = {};
  for (const sample of samples.filter((s) => s.name === 'paybridge_events' && s.labels.status)) {
    counts[sample.labels.status] = sample.value;
  }
  const lagBuckets = samples
    .filter((s) => s.name === 'paybridge_delivery_lag_seconds_bucket')
    .map((s) => ({ le: Number(s.labels.le === '+Inf' ? Infinity : s.labels.le), count: s.value }));
  const lagCount = first('paybridge_delivery_lag_seconds_count');
  const lagSum = first('paybridge_delivery_lag_seconds_sum');
  const reconcile = samples.filter((s) => s.name === 'paybridge_reconcile_last_success_timestamp_seconds');
  const circuit = first('paybridge_salesforce_circuit_open');
  return {
    counts: Object.keys(counts).length === 0 ? null : counts,
    oldestPendingAgeSeconds: first('paybridge_oldest_pending_age_seconds'),
    circuitOpen: circuit === null ? null : circuit >= 1,
    apiUsageRatio: first('paybridge_salesforce_api_usage_ratio'),
    lag: lagCount === null || lagCount === 0 ? null : {
      count: lagCount,
      meanSeconds: lagSum === null ? null : lagSum / lagCount,
      p50Seconds: histogramQuantile(lagBuckets, 0.5),
      p95Seconds: histogramQuantile(lagBuckets, 0.95),
    },
    lastReconcile: reconcile.length === 0 ? null : reconcile
      .filter((s) => s.value > 0)
      .map((s) => ({ account: s.labels.account ?? '', at: new Date(s.value * 1000).toISOString() }))
      .sort((a, b) => a.at.localeCompare(b.at)),
  };
}
