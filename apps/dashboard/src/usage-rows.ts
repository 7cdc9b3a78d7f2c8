/**
 * Reading `GET /admin/usage` (issue 14: "rows of requests, tokens by kind and cost", grouped by day, key, account
 * or model). The answer's field names follow the @relay/quota ledger (`requests`, `input`, `output`, `cacheRead`,
 * `cacheWrite5m`, `cacheWrite1h`, `costMicroUsd`); the reader also takes the counters nested under `counters` or
 * `tokens` and a cost in dollars (`costUsd`), so that the console does not break on either way of writing them.
 */

/** What `groupBy` the console asks for. */
export type UsageGroup = 'day' | 'key' | 'account' | 'model';

export interface UsageTokens {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheWrite5m: number;
  readonly cacheWrite1h: number;
}

/** One row of usage: its group's value (a key id, a day, …), requests, tokens by kind, cost. */
export interface UsageRow {
  readonly group: string | undefined;
  readonly requests: number;
  readonly tokens: UsageTokens;
  readonly costUsd: number;
}

const groupFields: Record<UsageGroup, readonly string[]> = {
  day: ['day', 'date'],
  key: ['keyId', 'key', 'apiKeyId'],
  account: ['accountId', 'account'],
  model: ['model'],
};

/** The rows of a usage answer (`{ data: [...] }`, `{ rows: [...] }` or a bare array); anything else is no row. */
export function usageRowsOf(answer: unknown, groupBy: UsageGroup): UsageRow[] {
  const list = Array.isArray(answer) ? answer : (record(answer)?.data ?? record(answer)?.rows);
  if (!Array.isArray(list)) return [];
  const rows: UsageRow[] = [];
  for (const entry of list) {
    const row = record(entry);
    if (!row) continue;
    const nested = record(row.counters) ?? record(row.tokens) ?? {};
    const count = (name: string) => numberOf(row[name]) ?? numberOf(nested[name]) ?? 0;
    const microUsd = numberOf(row.costMicroUsd) ?? numberOf(nested.costMicroUsd);
    const group = [...groupFields[groupBy], 'group']
      .map((name) => row[name])
      .find((value) => typeof value === 'string');
    rows.push({
      group: group as string | undefined,
      requests: count('requests'),
      tokens: {
        input: count('input'),
        output: count('output'),
        cacheRead: count('cacheRead'),
        cacheWrite5m: count('cacheWrite5m'),
        cacheWrite1h: count('cacheWrite1h'),
      },
      costUsd: microUsd !== undefined ? microUsd / 1_000_000 : (numberOf(row.costUsd) ?? 0),
    });
  }
  return rows;
}

/** The rows added up per group (a group may come in several rows, e.g. per day). */
export function usageByGroup(rows: readonly UsageRow[]): Map<string, UsageRow> {
  const byGroup = new Map<string, UsageRow>();
  for (const row of rows) {
    const key = row.group ?? '';
    const sum = byGroup.get(key);
    byGroup.set(key, sum ? addRows(sum, row) : row);
  }
  return byGroup;
}

/** The cost of every row, in dollars. */
export function totalCostUsd(rows: readonly UsageRow[]): number {
  return rows.reduce((sum, row) => sum + row.costUsd, 0);
}

/** Today in UTC as `YYYY-MM-DD`: the ledger counts by UTC day. */
export function utcDay(now: number): string {
  return new Date(now).toISOString().slice(0, 10);
}

function addRows(left: UsageRow, right: UsageRow): UsageRow {
  return {
    group: left.group,
    requests: left.requests + right.requests,
    tokens: {
      input: left.tokens.input + right.tokens.input,
      output: left.tokens.output + right.tokens.output,
      cacheRead: left.tokens.cacheRead + right.tokens.cacheRead,
      cacheWrite5m: left.tokens.cacheWrite5m + right.tokens.cacheWrite5m,
      cacheWrite1h: left.tokens.cacheWrite1h + right.tokens.cacheWrite1h,
    },
    costUsd: left.costUsd + right.costUsd,
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
