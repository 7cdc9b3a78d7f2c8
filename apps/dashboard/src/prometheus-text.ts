/**
 * The sum of every sample of one counter in a Prometheus text exposition (all label sets), or undefined
 * when the exposition has no sample of it.
 */
export function sumOfSamples(exposition: string, metricName: string): number | undefined {
  let sum: number | undefined;
  for (const line of exposition.split('\n')) {
    const sample = sampleOf(line, metricName);
    if (sample === undefined) continue;
    sum = (sum ?? 0) + sample.value;
  }
  return sum;
}

/** One cumulative bucket of a histogram: observations at most `le` (seconds, or Infinity for `+Inf`). */
export interface HistogramBucket {
  readonly le: number;
  readonly count: number;
}

/**
 * The cumulative buckets of histogram `metricName` (its `_bucket` series), each bound's counts summed over every
 * label set, sorted by bound; none before its first observation (a labelled histogram has no series until then).
 */
export function histogramBuckets(exposition: string, metricName: string): HistogramBucket[] {
  const counts = new Map<number, number>();
  for (const line of exposition.split('\n')) {
    const sample = sampleOf(line, `${metricName}_bucket`);
    const bound = sample?.labels.le === undefined ? Number.NaN : boundOf(sample.labels.le);
    if (!sample || Number.isNaN(bound)) continue;
    counts.set(bound, (counts.get(bound) ?? 0) + sample.value);
  }
  return [...counts].map(([le, count]) => ({ le, count })).sort((left, right) => left.le - right.le);
}

interface Sample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The sample on `line` when it is of series `name` exactly (`name{labels} value` or `name value`). */
function sampleOf(line: string, name: string): Sample | undefined {
  if (!line.startsWith(name)) return undefined;
  const rest = line.slice(name.length);
  // `name_created`, `name_bucket` and the like are other series.
  if (rest[0] !== '{' && rest[0] !== ' ') return undefined;
  let labels: Record<string, string> = {};
  let valueText = rest;
  if (rest[0] === '{') {
    const end = closingBrace(rest);
    labels = labelsOf(rest.slice(1, end));
    valueText = rest.slice(end + 1);
  }
  const value = Number(valueText.trim().split(/\s+/)[0]);
  return Number.isFinite(value) ? { labels, value } : undefined;
}

/** The index of the `}` that ends the label set, skipping braces inside quoted label values. */
function closingBrace(text: string): number {
  let quoted = false;
  for (let index = 1; index < text.length; index += 1) {
    const character = text[index];
    if (quoted && character === '\\') index += 1;
    else if (character === '"') quoted = !quoted;
    else if (!quoted && character === '}') return index;
  }
  return text.length;
}

/** `a="x",b="y\"z"` → { a: 'x', b: 'y"z' }. */
function labelsOf(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  const pattern = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/gy;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    labels[match[1] as string] = (match[2] as string).replace(/\\(.)/g, (_escape, character: string) =>
      character === 'n' ? '\n' : character,
    );
  }
  return labels;
}

function boundOf(le: string): number {
  if (le === '+Inf') return Number.POSITIVE_INFINITY;
  const bound = Number(le);
  return le.trim() === '' || !Number.isFinite(bound) ? Number.NaN : bound;
}
