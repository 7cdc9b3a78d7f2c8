/**
 * The usage windows an upstream account reports on every answer: the standard API rate limits
 * (`anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-*`, resets in RFC 3339) and the
 * subscription ("unified") limits of OAuth accounts (`anthropic-ratelimit-unified-*`, resets in epoch
 * seconds). Everything here is a pure function of the headers: an upstream can send anything, so every
 * value is checked and a malformed one is ignored rather than trusted.
 */

export type UnifiedStatus = 'allowed' | 'allowed_warning' | 'rejected';

/** One standard API limit (requests or tokens per minute) as last reported. */
export interface StandardLimit {
  limit: number;
  remaining: number;
  /** Epoch ms when the budget is refilled. */
  resetAt: number | undefined;
}

/** One subscription window (`5h` or `7d`) as last reported. */
export interface UnifiedWindow {
  /** 0–1, clamped. */
  utilization: number | undefined;
  /** Epoch ms. */
  resetAt: number | undefined;
  status: UnifiedStatus | undefined;
}

export interface UsageWindows {
  /** Epoch ms of the answer these were read from. */
  observedAt: number;
  standard: Partial<Record<StandardLimitName, StandardLimit>>;
  unified:
    | {
        status: UnifiedStatus | undefined;
        /** Epoch ms when a rejected account may be used again. */
        resetAt: number | undefined;
        fiveHour: UnifiedWindow | undefined;
        sevenDay: UnifiedWindow | undefined;
        /** Which window binds (`five_hour`, `seven_day`, …). */
        representativeClaim: string | undefined;
        fallbackPercentage: number | undefined;
        overageStatus: string | undefined;
      }
    | undefined;
}

export const standardLimitNames = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const;
export type StandardLimitName = (typeof standardLimitNames)[number];

type Headers = Record<string, string | string[] | undefined>;

const unifiedStatuses: ReadonlySet<string> = new Set(['allowed', 'allowed_warning', 'rejected']);
// A reset further away than this is not believed (a garbage header must not bench an account for years).
const longestBelievableResetMs = 31 * 24 * 60 * 60 * 1000;
// Claims and statuses are echoed in admin views: short tokens only.
const shortToken = /^[a-z0-9_-]{1,40}$/i;

// Header names built once: a name made per read would be a fresh string to hash on every lookup.
const standardHeaders = standardLimitNames.map((name) => ({
  name,
  limit: `anthropic-ratelimit-${name}-limit`,
  remaining: `anthropic-ratelimit-${name}-remaining`,
  reset: `anthropic-ratelimit-${name}-reset`,
}));
const unifiedPrefix = 'anthropic-ratelimit-unified-';
const unifiedHeaders = {
  status: `${unifiedPrefix}status`,
  reset: `${unifiedPrefix}reset`,
  representativeClaim: `${unifiedPrefix}representative-claim`,
  fallbackPercentage: `${unifiedPrefix}fallback-percentage`,
  overageStatus: `${unifiedPrefix}overage-status`,
};
const windowHeaders = (window: '5h' | '7d') => ({
  utilization: `${unifiedPrefix}${window}-utilization`,
  reset: `${unifiedPrefix}${window}-reset`,
  status: `${unifiedPrefix}${window}-status`,
});
const fiveHourHeaders = windowHeaders('5h');
const sevenDayHeaders = windowHeaders('7d');

/** Reads the usage windows from an answer's headers; undefined when it carries none. */
export function readUsageWindows(headers: Headers, now: number): UsageWindows | undefined {
  const standard: UsageWindows['standard'] = {};
  let any = false;
  for (const names of standardHeaders) {
    const limit = nonNegativeNumber(headers[names.limit]);
    const remaining = nonNegativeNumber(headers[names.remaining]);
    if (limit === undefined || remaining === undefined) continue;
    standard[names.name] = {
      limit,
      remaining: Math.min(remaining, limit),
      resetAt: believableReset(Date.parse(text(headers[names.reset]) ?? ''), now),
    };
    any = true;
  }
  const unified = readUnified(headers, now);
  if (!any && !unified) return undefined;
  return { observedAt: now, standard, unified };
}

function readUnified(headers: Headers, now: number): UsageWindows['unified'] {
  const status = unifiedStatus(headers[unifiedHeaders.status]);
  const fiveHour = readUnifiedWindow(headers, fiveHourHeaders, now);
  const sevenDay = readUnifiedWindow(headers, sevenDayHeaders, now);
  if (status === undefined && !fiveHour && !sevenDay) return undefined;
  const fallback = nonNegativeNumber(headers[unifiedHeaders.fallbackPercentage]);
  return {
    status,
    resetAt: epochSecondsReset(headers[unifiedHeaders.reset], now),
    fiveHour,
    sevenDay,
    representativeClaim: token(headers[unifiedHeaders.representativeClaim]),
    fallbackPercentage: fallback === undefined ? undefined : Math.min(1, fallback),
    overageStatus: token(headers[unifiedHeaders.overageStatus]),
  };
}

function readUnifiedWindow(
  headers: Headers,
  names: ReturnType<typeof windowHeaders>,
  now: number,
): UnifiedWindow | undefined {
  const utilization = nonNegativeNumber(headers[names.utilization]);
  const resetAt = epochSecondsReset(headers[names.reset], now);
  const status = unifiedStatus(headers[names.status]);
  if (utilization === undefined && resetAt === undefined && status === undefined) return undefined;
  return { utilization: utilization === undefined ? undefined : Math.min(1, utilization), resetAt, status };
}

function text(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.trim();
}

function nonNegativeNumber(value: string | string[] | undefined): number | undefined {
  const raw = text(value);
  if (raw === undefined || raw === '') return undefined;
  const parsed = Number(raw);
  return Number.isFinite(parsed) && parsed >= 0 ? parsed : undefined;
}

function epochSecondsReset(value: string | string[] | undefined, now: number): number | undefined {
  const seconds = nonNegativeNumber(value);
  return seconds === undefined ? undefined : believableReset(seconds * 1000, now);
}

function believableReset(epochMs: number, now: number): number | undefined {
  if (!Number.isFinite(epochMs)) return undefined;
  if (epochMs > now + longestBelievableResetMs) return undefined;
  return epochMs;
}

function unifiedStatus(value: string | string[] | undefined): UnifiedStatus | undefined {
  const raw = text(value);
  return raw !== undefined && unifiedStatuses.has(raw) ? (raw as UnifiedStatus) : undefined;
}

function token(value: string | string[] | undefined): string | undefined {
  const raw = text(value);
  return raw !== undefined && shortToken.test(raw) ? raw : undefined;
}
