import type { KeyLimits } from '@relay/quota';
import type { KeyView } from './key-view.js';

/** A key's limits in a few words: `60 rpm, 100000 tpm, 4 in flight, $20/day`. */
export function describeLimits(limits: KeyLimits | undefined): string {
  if (!limits) return '-';
  const parts: string[] = [];
  if (limits.requestsPerMinute !== undefined) parts.push(`${limits.requestsPerMinute} rpm`);
  if (limits.tokensPerMinute !== undefined) parts.push(`${limits.tokensPerMinute} tpm`);
  if (limits.concurrency !== undefined) parts.push(`${limits.concurrency} in flight`);
  for (const budget of limits.budgets ?? []) parts.push(`$${budget.usd}/${budget.window}`);
  return parts.length > 0 ? parts.join(', ') : '-';
}

/** The text table `relay keys list` prints: one row per key, never a key or its hash. */
export function formatKeyTable(views: readonly KeyView[]): string {
  const header = ['ID', 'SOURCE', 'USER', 'MODELS', 'EXPIRES', 'LIMITS', 'LAST USED'];
  const rows = views.map((view) => [
    view.id,
    view.source,
    view.userId ?? '-',
    view.models ? view.models.join(',') : '*',
    view.expiresAt ? `${view.expiresAt}${view.expired ? ' (expired)' : ''}` : 'never',
    describeLimits(view.limits),
    view.lastUsedAt ?? '-',
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] as number))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
