import { readUsageWindows } from '../scheduling/usage-windows.js';
import { assessWindows } from '../scheduling/window-assessment.js';

/**
 * What an upstream answer means for the account that got it, and whether another account may be tried:
 * - `ok`: below 400.
 * - `request-fault`: the request's own problem (400, 403 permission_error, 404, 413, 422, other 4xx): passed to
 *   the client after this one attempt, the account untouched. Replaying it would only spread it.
 * - `credential-suspect`: 401 authentication_error: another account is tried, and the credential is probed
 *   before the account is disabled.
 * - `rate-limited` (429), `overloaded` (529), `server-error` (5xx): the account rests, another is tried.
 * - `transient` (408, 409): another account is tried; nothing is held against this one.
 */
export type UpstreamVerdict =
  | { kind: 'ok' }
  | { kind: 'request-fault' }
  | { kind: 'credential-suspect' }
  | { kind: 'rate-limited'; coolDownUntil: number; retryAfterMs: number | undefined }
  | { kind: 'overloaded' }
  | { kind: 'server-error' }
  | { kind: 'transient' };

const rateLimitResetHeaders = [
  'anthropic-ratelimit-requests-reset',
  'anthropic-ratelimit-tokens-reset',
  'anthropic-ratelimit-input-tokens-reset',
  'anthropic-ratelimit-output-tokens-reset',
];

// Without any hint, a rate-limited account rests this long.
const defaultRateLimitCoolDownMs = 30_000;

/** Classifies an upstream status and headers (the body is not needed). */
export function judgeUpstreamResponse(
  statusCode: number,
  headers: Record<string, string | string[] | undefined>,
  now: number,
): UpstreamVerdict {
  if (statusCode < 400) return { kind: 'ok' };
  if (statusCode === 401) return { kind: 'credential-suspect' };
  if (statusCode === 408 || statusCode === 409) return { kind: 'transient' };
  if (statusCode === 429) {
    const coolDownUntil = rateLimitedUntil(headers, now);
    return { kind: 'rate-limited', coolDownUntil, retryAfterMs: retryAfterMs(headers, now) };
  }
  if (statusCode === 529) return { kind: 'overloaded' };
  if (statusCode >= 500) return { kind: 'server-error' };
  return { kind: 'request-fault' };
}

/** True when the verdict is about the account or its route, so another account may answer instead. */
export function movesToAnotherAccount(verdict: UpstreamVerdict): boolean {
  return verdict.kind !== 'ok' && verdict.kind !== 'request-fault';
}

/** The longest `retry-after` that is waited out on the same account when no other account is left. */
export const shortRetryAfterMs = 2_000;

/** True when a 429's `retry-after` is short enough to wait out on the same account (when it is the last one left). */
export function isShortRetryAfter(verdict: UpstreamVerdict): boolean {
  return (
    verdict.kind === 'rate-limited' && verdict.retryAfterMs !== undefined && verdict.retryAfterMs <= shortRetryAfterMs
  );
}

/** The wait `retry-after-ms` or `retry-after` (seconds or a date) asks for, in ms; undefined without either. */
function retryAfterMs(headers: Record<string, string | string[] | undefined>, now: number): number | undefined {
  const milliseconds = Number(headerText(headers['retry-after-ms']));
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(milliseconds) && milliseconds >= 0)
    return milliseconds;
  const retryAfter = headerText(headers['retry-after']);
  if (retryAfter === undefined) return undefined;
  const seconds = Number(retryAfter);
  if (retryAfter.trim() !== '' && Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}

/**
 * When a 429'd account may be used again: `retry-after`, else the latest `anthropic-ratelimit-*-reset`; a
 * rejected subscription window rests it until the window's reset whenever that is later (a 429 with
 * `anthropic-ratelimit-unified-status: rejected` often carries no `retry-after` at all).
 */
function rateLimitedUntil(headers: Record<string, string | string[] | undefined>, now: number): number {
  const window = assessWindows(readUsageWindows(headers, now), now).blockedUntil;
  const retryAfter = retryAfterEnd(headers, now);
  // With a used-up window, the standard resets count only where that budget is spent (remaining 0).
  if (window !== undefined) return Math.max(window, retryAfter ?? 0, latestReset(headers, now, true) ?? 0);
  return retryAfter ?? latestReset(headers, now, false) ?? now + defaultRateLimitCoolDownMs;
}

function retryAfterEnd(headers: Record<string, string | string[] | undefined>, now: number): number | undefined {
  const retryAfter = headerText(headers['retry-after']);
  if (retryAfter === undefined) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return now + seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isFinite(date) ? Math.max(now, date) : undefined;
}

function latestReset(
  headers: Record<string, string | string[] | undefined>,
  now: number,
  exhaustedOnly: boolean,
): number | undefined {
  let latest = 0;
  for (const name of rateLimitResetHeaders) {
    if (exhaustedOnly && headerText(headers[name.replace(/-reset$/, '-remaining')]) !== '0') continue;
    const reset = Date.parse(headerText(headers[name]) ?? '');
    if (Number.isFinite(reset) && reset > latest) latest = reset;
  }
  return latest > now ? latest : undefined;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
