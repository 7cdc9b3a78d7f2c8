import { formatNumber, formatRatio, formatSpread } from './format-number.js';
import type { ResultRow } from './scenario.js';

/** Column titles shared by the terminal table and the Markdown report. */
export const resultColumns = [
  'measurement',
  'value',
  'unit',
  'p50',
  'p99',
  'rounds min–max',
  'baseline',
  'ratio',
  'seed claim',
  'beaten',
] as const;

/** The cells of one row, in `resultColumns` order. */
export function resultCells(row: ResultRow): string[] {
  return [
    row.name,
    formatNumber(row.value),
    row.unit,
    formatNumber(row.p50),
    formatNumber(row.p99),
    formatSpread(row.min, row.max),
    row.baseline ?? '',
    formatRatio(row.ratio),
    row.claim?.text ?? '',
    row.claim === undefined ? '' : row.claim.beaten ? 'yes' : 'no',
  ];
}

/** Rows grouped by scenario, in the order the scenarios reported them. */
export function groupByScenario(rows: readonly ResultRow[]): Map<string, ResultRow[]> {
  const groups = new Map<string, ResultRow[]>();
  for (const row of rows) {
    const group = groups.get(row.scenario);
    if (group) group.push(row);
    else groups.set(row.scenario, [row]);
  }
  return groups;
}
