import { dayId } from '@relay/quota';

/** What the usage is grouped by: one or more of these, in order. */
export type UsageDimension = 'day' | 'key' | 'account' | 'model';

const dimensions: ReadonlySet<string> = new Set<UsageDimension>(['day', 'key', 'account', 'model']);

/** A validated `GET /admin/usage` query. */
export interface UsageQuery {
  readonly keyId: string | undefined;
  readonly accountId: string | undefined;
  readonly model: string | undefined;
  /** First and last UTC day, inclusive, `YYYYMMDD` (the ledger's day ids). */
  readonly fromDay: string;
  readonly toDay: string;
  readonly groupBy: readonly UsageDimension[];
}

/** The days a query may span: the ledger keeps 400. */
export const maximumUsageDays = 400;
// The default span: the last seven days, today included.
const defaultDays = 7;
const dayMs = 86_400_000;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})(T[0-9:.]+(Z|[+-]\d{2}:\d{2})?)?$/;
const idPattern = /^[^\s{}]{1,256}$/;

/** The UTC day (epoch ms at midnight) of a `YYYY-MM-DD` or ISO 8601 date-time; undefined when it is neither. */
function dayStart(text: string): number | undefined {
  const match = datePattern.exec(text);
  if (!match) return undefined;
  const at = match[4] ? Date.parse(text) : Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  if (!Number.isFinite(at)) return undefined;
  // Reject calendar nonsense (2026-02-31) that Date.UTC would roll over.
  if (!match[4] && new Date(at).getUTCDate() !== Number(match[3])) return undefined;
  return Math.floor(at / dayMs) * dayMs;
}

/** A `YYYYMMDD` day id as `YYYY-MM-DD`. */
export function isoDay(day: string): string {
  return `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
}

/**
 * Reads `keyId`, `accountId`, `model`, `from`, `to` (`YYYY-MM-DD` or an ISO date-time, UTC days, inclusive; default
 * the last seven days) and `groupBy` (`day`, `key`, `account`, `model`, or several comma-separated; default `day`).
 * Returns the query, or the message of a 400 naming the bad parameter.
 */
export function parseUsageQuery(parameters: URLSearchParams, nowMs: number): UsageQuery | { error: string } {
  const filter = (name: string): string | undefined | { error: string } => {
    const value = parameters.get(name);
    if (value === null || value === '') return undefined;
    return idPattern.test(value) ? value : { error: `${name} must be an id of at most 256 characters` };
  };
  const keyId = filter('keyId');
  const accountId = filter('accountId');
  const model = filter('model');
  for (const value of [keyId, accountId, model]) if (typeof value === 'object') return value;

  const toText = parameters.get('to');
  const to = toText ? dayStart(toText) : Math.floor(nowMs / dayMs) * dayMs;
  if (to === undefined) return { error: 'to must be a date (YYYY-MM-DD) or an ISO 8601 date-time' };
  const fromText = parameters.get('from');
  const from = fromText ? dayStart(fromText) : to - (defaultDays - 1) * dayMs;
  if (from === undefined) return { error: 'from must be a date (YYYY-MM-DD) or an ISO 8601 date-time' };
  if (from > to) return { error: 'from must not be after to' };
  if ((to - from) / dayMs + 1 > maximumUsageDays) {
    return { error: `from and to may span at most ${maximumUsageDays} days (the ledger keeps that many)` };
  }

  const groupText = parameters.get('groupBy') || 'day';
  const groupBy = [...new Set(groupText.split(','))];
  const unknown = groupBy.find((dimension) => !dimensions.has(dimension));
  if (unknown !== undefined)
    return { error: 'groupBy must be day, key, account or model (or several, comma-separated)' };

  return {
    keyId: keyId as string | undefined,
    accountId: accountId as string | undefined,
    model: model as string | undefined,
    fromDay: dayId(from),
    toDay: dayId(to),
    groupBy: groupBy as UsageDimension[],
  };
}
