import parsePrometheusTextFormat from 'parse-prometheus-text-format';

/** One parsed series: its labels and value. */
export interface ParsedSeries {
  labels: Record<string, string>;
  value?: number;
}

/** A parsed exposition: metric families by name. */
export type ParsedExposition = Map<string, { type: string; help: string; series: ParsedSeries[] }>;

/**
 * Parses Prometheus text with parse-prometheus-text-format (a third-party parser, not ours); it throws
 * on a malformed line. It folds a histogram's label sets into one bucket map (a limitation of that
 * parser), so tests read histogram values from prom-client's JSON instead.
 */
export function parseExposition(text: string): ParsedExposition {
  const families: ParsedExposition = new Map();
  for (const family of parsePrometheusTextFormat(text)) {
    families.set(family.name, {
      type: family.type,
      help: family.help,
      series: family.metrics.map((sample) => ({
        labels: sample.labels ?? {},
        ...(sample.value !== undefined ? { value: Number(sample.value) } : {}),
      })),
    });
  }
  return families;
}

/** The value of the series of `name` whose labels include `labels` (undefined if there is none). */
export function sampleValue(
  exposition: ParsedExposition,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const series = exposition
    .get(name)
    ?.series.find((candidate) => Object.entries(labels).every(([label, value]) => candidate.labels[label] === value));
  return series?.value;
}

/** Every series of `name`. */
export function seriesOf(exposition: ParsedExposition, name: string): ParsedSeries[] {
  return exposition.get(name)?.series ?? [];
}
