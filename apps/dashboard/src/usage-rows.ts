/**
 * Reading `GET /admin/usage` (issue 14): `{ from, to, groupBy, rows, total }`, each row its group's values (`day`,
 * `keyId`, `accountId`, `model`) then `requests`, `incomplete`, `tokens: { input, output, cacheRead, cacheWrite5m,
 * cacheWrite1h }`, `costMicroUsd` (exact) and `costUsd`. Anything not of that shape counts as nothing.
 */

/** One dimension the usage can be grouped by (several at once, comma-separated in the query). */
export type UsageDimension = 'day' | 'key' | 'account' | 'model';

export interface UsageTokens {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
}

/** One row of usage: its group's values (those grouped by), requests, tokens by kind, cost. */
export interface UsageRow {
  /** `YYYY-MM-DD` (UTC). */
  readonly day?: string;
  readonly keyId?: string;
  readonly accountId?: string;
  readonly model?: string;
  readonly requests: number;
  readonly tokens: UsageTokens;
  /** Integer micro-dollars, summed exactly. */
  readonly costMicroUsd: number;
}

const groupFields = ['day', 'keyId', 'accountId', 'model'] as const;
const tokenKinds = ['input', 'output', 'cacheRead', 'cacheWrite5m', 'cacheWrite1h'] as const;

/** The rows of a usage answer. */
export function usageRowsOf(answer: unknown): UsageRow[] {
  const list = record(answer)?.rows;
  if (!Array.isArray(list)) return [];
  const rows: UsageRow[] = [];
  for (const entry of list) {
    const row = record(entry);
    if (!row) continue;
    const tokens = record(row.tokens) ?? {};
    const groups: Partial<Record<(typeof groupFields)[number], string>> = {};
    for (const field of groupFields) if (typeof row[field] === 'string') groups[field] = row[field] as string;
    const microUsd = numberOf(row.costMicroUsd);
    rows.push({
      ...groups,
      requests: numberOf(row.requests) ?? 0,
      tokens: Object.fromEntries(
        tokenKinds.map((kind) => [kind, numberOf(tokens[kind]) ?? 0]),
      ) as unknown as UsageTokens,
      costMicroUsd: microUsd ?? Math.round((numberOf(row.costUsd) ?? 0) * 1_000_000),
    });
  }
  return rows;
}

/** The rows added up per value of `field` (rows without it are left out). */
export function usageBy(
  rows: readonly UsageRow[],
  field: 'day' | 'keyId' | 'accountId' | 'model',
): Map<string, UsageRow> {
  const sums = new Map<string, UsageRow>();
  for (const row of rows) {
    const value = row[field];
    if (value === undefined) continue;
    const sum = sums.get(value);
    const first = { [field]: value, requests: row.requests, tokens: row.tokens, costMicroUsd: row.costMicroUsd };
    sums.set(value, sum ? addRows(sum, row) : first);
  }
  return sums;
}

/** The cost of every row, in dollars. */
export function totalCostUsd(rows: readonly UsageRow[]): number {
  return rows.reduce((sum, row) => sum + row.costMicroUsd, 0) / 1_000_000;
}

/** The UTC day of `now` as `YYYY-MM-DD`: the ledger counts by UTC day. */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

function addRows(left: UsageRow, right: UsageRow): UsageRow {
  const tokens = Object.fromEntries(tokenKinds.map((kind) => [kind, left.tokens[kind] + right.tokens[kind]]));
  return {
    ...left,
    requests: left.requests + right.requests,
    tokens: tokens as unknown as UsageTokens,
    costMicroUsd: left.costMicroUsd + right.costMicroUsd,
  };
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function numberOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
