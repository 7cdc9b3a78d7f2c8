/** What an upstream answer means for the account that got it, and whether another account may be tried. */
export type UpstreamVerdict =
  | { kind: 'ok' }
  | { kind: 'client-error' }
  | { kind: 'rate-limited'; coolDownUntil: number }
  | { kind: 'overloaded' }
  | { kind: 'server-error' }
  | { kind: 'credential-rejected' };

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
  if (statusCode === 401 || statusCode === 403) return { kind: 'credential-rejected' };
  if (statusCode === 429) return { kind: 'rate-limited', coolDownUntil: rateLimitedUntil(headers, now) };
  if (statusCode === 529) return { kind: 'overloaded' };
  if (statusCode >= 500) return { kind: 'server-error' };
  return { kind: 'client-error' };
}

/** True when another account may be tried instead of answering with this verdict. */
export function isRetryableVerdict(verdict: UpstreamVerdict): boolean {
  return verdict.kind !== 'ok' && verdict.kind !== 'client-error';
}

/** When a 429'd account may be used again: `retry-after`, else the latest `anthropic-ratelimit-*-reset` that is exhausted. */
function rateLimitedUntil(headers: Record<string, string | string[] | undefined>, now: number): number {
  const retryAfter = headerText(headers['retry-after']);
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds) && seconds >= 0) return now + seconds * 1000;
    const date = Date.parse(retryAfter);
    if (Number.isFinite(date)) return Math.max(now, date);
  }
  let latest = 0;
  for (const name of rateLimitResetHeaders) {
    const reset = Date.parse(headerText(headers[name]) ?? '');
    if (Number.isFinite(reset) && reset > latest) latest = reset;
  }
  return latest > now ? latest : now + defaultRateLimitCoolDownMs;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
