import type { ResultRow } from './scenario.js';

const optionalNumbers = ['p50', 'p99', 'min', 'max', 'ratio'] as const;

/** What is wrong with `row` as a ResultRow (a message naming the field), or undefined when it is sound. */
export function findResultRowProblem(row: unknown): string | undefined {
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return 'a row must be an object';
  const candidate = row as Record<string, unknown>;
  for (const field of ['scenario', 'name', 'unit'] as const) {
    if (typeof candidate[field] !== 'string' || candidate[field] === '') return `"${field}" must be a non-empty string`;
  }
  if (typeof candidate.value !== 'number' || !Number.isFinite(candidate.value)) {
    return `"value" must be a finite number (got ${String(candidate.value)})`;
  }
  for (const field of optionalNumbers) {
    const value = candidate[field];
    if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
      return `"${field}" must be a finite number when present (got ${String(value)})`;
    }
  }
  if (candidate.baseline !== undefined && typeof candidate.baseline !== 'string') return '"baseline" must be a string';
  if (candidate.ratio !== undefined && candidate.baseline === undefined) return '"ratio" needs a "baseline"';
  if (candidate.claim !== undefined) {
    const claim = candidate.claim as Record<string, unknown> | null;
    if (
      typeof claim !== 'object' ||
      claim === null ||
      typeof claim.text !== 'string' ||
      typeof claim.beaten !== 'boolean'
    ) {
      return '"claim" must be { text: string, beaten: boolean }';
    }
  }
  return undefined;
}

/** Narrows `row` to a ResultRow, or throws an Error naming the bad field and the row. */
export function assertResultRow(row: unknown): asserts row is ResultRow {
  const problem = findResultRowProblem(row);
  if (problem) throw new Error(`invalid result row: ${problem}: ${JSON.stringify(row)}`);
}
