import type { UsageReport, UsageReportRow } from './usage-report.js';

const groupColumns = [
  ['day', 'day'],
  ['keyId', 'key'],
  ['accountId', 'account'],
  ['model', 'model'],
] as const;

const countColumns: Array<[string, (row: UsageReportRow) => string]> = [
  ['requests', (row) => String(row.requests)],
  ['incomplete', (row) => String(row.incomplete)],
  ['input', (row) => String(row.tokens.input)],
  ['output', (row) => String(row.tokens.output)],
  ['cache read', (row) => String(row.tokens.cacheRead)],
  ['cache write 5m', (row) => String(row.tokens.cacheWrite5m)],
  ['cache write 1h', (row) => String(row.tokens.cacheWrite1h)],
  // Exact: micro-dollars as dollars with six decimals, never a float's rounding.
  ['cost (USD)', (row) => usd(row.costMicroUsd)],
];

/** Integer micro-dollars as a dollar amount with six decimals (`1234567` → `1.234567`). */
export function usd(microUsd: number): string {
  const whole = Math.trunc(microUsd / 1_000_000);
  const fraction = String(Math.abs(microUsd % 1_000_000)).padStart(6, '0');
  return `${microUsd < 0 && whole === 0 ? '-' : ''}${whole}.${fraction}`;
}

/** The report as an aligned text table: a row per group, then the total; counts right-aligned. */
export function formatUsageTable(report: UsageReport): string {
  const groups = groupColumns.filter(([field]) => report.rows.some((row) => row[field] !== undefined));
  const header = [...groups.map(([, title]) => title), ...countColumns.map(([title]) => title)];
  const line = (row: UsageReportRow, label?: string) => [
    ...groups.map(([field], index) => (label !== undefined ? (index === 0 ? label : '') : (row[field] ?? ''))),
    ...countColumns.map(([, value]) => value(row)),
  ];
  const table = [
    header,
    ...report.rows.map((row) => line(row)),
    line(report.total, groups.length > 0 ? 'total' : undefined),
  ];
  const widths = header.map((_, column) => Math.max(...table.map((cells) => (cells[column] ?? '').length)));
  const render = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column < groups.length ? cell.padEnd(widths[column] as number) : cell.padStart(widths[column] as number),
      )
      .join('  ')
      .trimEnd();
  const title = `usage ${report.from} to ${report.to} (UTC), by ${report.groupBy.join(', ')}`;
  if (report.rows.length === 0) return `${title}\nno usage recorded`;
  return [title, render(header), ...table.slice(1).map(render)].join('\n');
}
