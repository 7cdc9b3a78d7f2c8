import type { UsageRow } from '@relay/quota';
import { isoDay, type UsageDimension, type UsageQuery } from './usage-query.js';

/** One row of `GET /admin/usage`: the group's values, then its counts. */
export interface UsageReportRow {
  day?: string;
  keyId?: string;
  accountId?: string;
  model?: string;
  requests: number;
  /** Requests whose stream was cut or stalled (billed with the tokens they carried). */
  incomplete: number;
  tokens: { input: number; output: number; cacheRead: number; cacheWrite5m: number; cacheWrite1h: number };
  /** Integer micro-dollars (exact). */
  costMicroUsd: number;
  /** The same in dollars, for reading. */
  costUsd: number;
}

/** The answer of `GET /admin/usage`. */
export interface UsageReport {
  from: string;
  to: string;
  groupBy: readonly UsageDimension[];
  rows: UsageReportRow[];
  total: UsageReportRow;
}

const groupFields: Record<UsageDimension, (row: UsageRow) => [keyof UsageReportRow, string]> = {
  day: (row) => ['day', isoDay(row.day)],
  key: (row) => ['keyId', row.keyId],
  account: (row) => ['accountId', row.accountId],
  model: (row) => ['model', row.model],
};

function emptyRow(): UsageReportRow {
  return {
    requests: 0,
    incomplete: 0,
    tokens: { input: 0, output: 0, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
    costMicroUsd: 0,
    costUsd: 0,
  };
}

function add(target: UsageReportRow, row: UsageRow): void {
  const counters = row.counters;
  target.requests += counters.requests;
  target.incomplete += counters.incomplete;
  target.tokens.input += counters.input;
  target.tokens.output += counters.output;
  target.tokens.cacheRead += counters.cacheRead;
  target.tokens.cacheWrite5m += counters.cacheWrite5m;
  target.tokens.cacheWrite1h += counters.cacheWrite1h;
  target.costMicroUsd += counters.costMicroUsd;
  target.costUsd = target.costMicroUsd / 1_000_000;
}

/** The ledger rows that pass the query's filters, summed per group of `groupBy`, sorted by the group's values. */
export function usageReport(rows: readonly UsageRow[], query: UsageQuery): UsageReport {
  const groups = new Map<string, { values: string[]; row: UsageReportRow }>();
  const total = emptyRow();
  for (const row of rows) {
    if (query.keyId !== undefined && row.keyId !== query.keyId) continue;
    if (query.accountId !== undefined && row.accountId !== query.accountId) continue;
    if (query.model !== undefined && row.model !== query.model) continue;
    if (row.day < query.fromDay || row.day > query.toDay) continue;
    const fields = query.groupBy.map((dimension) => groupFields[dimension](row));
    const values = fields.map(([, value]) => value);
    const name = JSON.stringify(values);
    let group = groups.get(name);
    if (!group) {
      const labelled: UsageReportRow = Object.assign(Object.fromEntries(fields), emptyRow());
      group = { values, row: labelled };
      groups.set(name, group);
    }
    add(group.row, row);
    add(total, row);
  }
  const sorted = [...groups.values()].sort((left, right) => compareValues(left.values, right.values));
  return {
    from: isoDay(query.fromDay),
    to: isoDay(query.toDay),
    groupBy: query.groupBy,
    rows: sorted.map((group) => group.row),
    total,
  };
}

function compareValues(left: readonly string[], right: readonly string[]): number {
  for (let index = 0; index < left.length; index += 1) {
    const order = (left[index] as string).localeCompare(right[index] as string);
    if (order !== 0) return order;
  }
  return 0;
}
