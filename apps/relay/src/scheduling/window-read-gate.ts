/**
 * Whether an upstream answer's usage windows are worth parsing. The registry looks at every answer, but a full
 * read (two dozen headers, RFC 3339 dates, an assessment) on each would cost more than the rest of the
 * bookkeeping together, and the standard API headers change on every answer (`remaining` counts down), so
 * comparing their values would not save a single parse. What can change an account's standing at once is read
 * without delay; the gradual rest (remaining budgets, utilisation) at most once per interval per account.
 */

/** What an answer's rate-limit headers show at a glance: three lookups, no parsing. */
export interface RateLimitGlance {
  statusCode: number;
  /** True when it carries any header `readUsageWindows` reads a window from. */
  present: boolean;
  /** The raw `anthropic-ratelimit-unified-status`, `-5h-status` and `-7d-status` values. */
  unifiedStatus: string | undefined;
  fiveHourStatus: string | undefined;
  sevenDayStatus: string | undefined;
}

/** What the gate remembers of the last answer it let through, per account. */
export interface LastWindowRead {
  /** Epoch ms of that answer. */
  at: number;
  unifiedStatus: string | undefined;
  fiveHourStatus: string | undefined;
  sevenDayStatus: string | undefined;
}

/**
 * - `read`: parse the windows now;
 * - `no-headers`: the answer carries no window at all;
 * - `throttled`: nothing urgent changed since a read less than an interval ago.
 */
export type WindowReadDecision = 'read' | 'no-headers' | 'throttled';

/** The longest the gradual part of an account's windows (remaining budgets, utilisation) goes unread. */
export const windowReadIntervalMs = 1000;

/**
 * Decides whether to parse an answer's windows. Always on a 429 (its cool-down depends on them), on any rejected
 * window, on the first answer of an account, and when a status differs from the last read (a warning that
 * appears or clears is never missed); otherwise once per `intervalMs`.
 */
export function decideWindowRead(
  glance: RateLimitGlance,
  last: LastWindowRead | undefined,
  now: number,
  intervalMs = windowReadIntervalMs,
): WindowReadDecision {
  if (!glance.present) return 'no-headers';
  if (glance.statusCode === 429) return 'read';
  if (
    glance.unifiedStatus === 'rejected' ||
    glance.fiveHourStatus === 'rejected' ||
    glance.sevenDayStatus === 'rejected'
  )
    return 'read';
  if (last === undefined) return 'read';
  if (
    glance.unifiedStatus !== last.unifiedStatus ||
    glance.fiveHourStatus !== last.fiveHourStatus ||
    glance.sevenDayStatus !== last.sevenDayStatus
  )
    return 'read';
  // A clock that went back counts as time passed: better one parse too many than windows frozen.
  return now - last.at >= intervalMs || now < last.at ? 'read' : 'throttled';
}

type Headers = Record<string, string | string[] | undefined>;

// The headers `readUsageWindows` finds a window in, the most common first (an API-key account answers with the
// standard ones, a subscription account with the unified status): an answer with windows is known after one or
// two lookups.
const presenceHeaders = [
  'anthropic-ratelimit-unified-status',
  'anthropic-ratelimit-requests-limit',
  'anthropic-ratelimit-tokens-limit',
  'anthropic-ratelimit-input-tokens-limit',
  'anthropic-ratelimit-output-tokens-limit',
  'anthropic-ratelimit-unified-5h-status',
  'anthropic-ratelimit-unified-5h-utilization',
  'anthropic-ratelimit-unified-5h-reset',
  'anthropic-ratelimit-unified-7d-status',
  'anthropic-ratelimit-unified-7d-utilization',
  'anthropic-ratelimit-unified-7d-reset',
] as const;

/** Reads what `decideWindowRead` needs from an answer's headers (no parsing, no allocation beyond the result). */
export function glanceAtRateLimitHeaders(statusCode: number, headers: Headers): RateLimitGlance {
  const unifiedStatus = first(headers['anthropic-ratelimit-unified-status']);
  let present = unifiedStatus !== undefined;
  for (let index = 1; !present && index < presenceHeaders.length; index += 1) {
    present = headers[presenceHeaders[index] as string] !== undefined;
  }
  return {
    statusCode,
    present,
    unifiedStatus,
    fiveHourStatus: present ? first(headers['anthropic-ratelimit-unified-5h-status']) : undefined,
    sevenDayStatus: present ? first(headers['anthropic-ratelimit-unified-7d-status']) : undefined,
  };
}

function first(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.[0];
}
