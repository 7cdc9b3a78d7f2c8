import type { AccountConfig } from '../config/config-schema.js';
import type { UsageWindows } from '../scheduling/usage-windows.js';
import { assessWindows, type WindowAssessment } from '../scheduling/window-assessment.js';
import type { LastWindowRead } from '../scheduling/window-read-gate.js';

/** Why an account is not usable right now. */
export type AccountUnavailableReason = 'disabled' | 'cooling-down' | 'at-capacity' | 'route-open';

/** Where an OAuth account's current access token comes from (its refresher). */
export interface AccessTokenSource {
  readonly accessToken: string;
  /** The upstream answered 401 to `usedToken`: true when a different, fresh token is in use now. */
  onUnauthorized?(usedToken: string): Promise<boolean>;
}

/**
 * An upstream account and its live state: in-flight requests (this process), cool-down, disabled flag and the
 * usage windows it last reported (shared across instances when the store is Redis).
 */
export class Account {
  readonly id: string;
  // Priority, cap, proxy and credential change with a config reload (`reconfigure`); the live state stays.
  priority: number;
  maxConcurrency: number;
  proxy: string | undefined;
  usesOAuth: boolean;
  /** Set for an OAuth account whose token the relay refreshes. */
  tokenSource: AccessTokenSource | undefined;
  inFlight = 0;
  coolingUntil = 0;
  /** Why it cools down (for admin views): `rate-limited`, `window five_hour used up`, `backoff`, … */
  coolingReason: string | undefined;
  /** Consecutive 5xx/529 answers: the cool-down doubles with each. */
  consecutiveFailures = 0;
  /** Consecutive attempts that got no answer at all (reset, refused, timeout before headers). */
  consecutiveConnectionFailures = 0;
  disabledReason: string | undefined;
  /** The usage windows of its last answer that carried any. */
  windows: UsageWindows | undefined;
  /** What the window-read gate remembers of the last answer whose windows were parsed. */
  lastWindowRead: LastWindowRead | undefined;
  /** Sessions bound to it that have not expired, over every instance that shares them: what the scheduler reads. */
  boundSessions = 0;
  /** Those this process bound. */
  localBoundSessions = 0;
  /** Those the other live instances bound, as last read from Redis (0 with the memory store). */
  otherBoundSessions = 0;
  /** 0–1 share of its tightest window left (1 when unknown): the scheduler's headroom, as of `assess()`. */
  headroom = 1;
  /** The upstream warned about one of its windows, as of `assess()`. */
  warning = false;
  requests = 0;
  failures = 0;
  #staticCredential: Readonly<Record<string, string>>;
  #assessment: WindowAssessment | undefined;
  #assessedUntil = 0;

  constructor(config: AccountConfig) {
    this.id = config.id;
    this.priority = config.priority;
    this.maxConcurrency = config.maxConcurrency;
    this.proxy = config.proxy;
    this.usesOAuth = false;
    this.#staticCredential = {};
    this.#setCredential(config);
  }

  /**
   * Takes a reloaded config of this account: the next choice sees its priority and cap, the next request its
   * proxy and credential; requests in flight, cool-downs, windows and bound sessions are kept.
   */
  reconfigure(config: AccountConfig): void {
    this.priority = config.priority;
    this.maxConcurrency = config.maxConcurrency;
    this.proxy = config.proxy;
    this.#setCredential(config);
  }

  #setCredential(config: AccountConfig): void {
    const oauthToken = config.oauth?.accessToken ?? config.oauthToken;
    this.usesOAuth = oauthToken !== undefined;
    this.#staticCredential =
      oauthToken !== undefined ? { authorization: `Bearer ${oauthToken}` } : { 'x-api-key': config.apiKey as string };
  }

  /** The headers that authenticate this account upstream now; never logged, never shown. */
  get credentialHeaders(): Readonly<Record<string, string>> {
    return this.tokenSource ? { authorization: `Bearer ${this.tokenSource.accessToken}` } : this.#staticCredential;
  }

  /** Why it cannot take a request at `now`, or undefined when it can (the route's breaker is checked elsewhere). */
  unavailableReason(now: number): AccountUnavailableReason | undefined {
    if (this.disabledReason) return 'disabled';
    if (now < this.coolingUntil) return 'cooling-down';
    if (this.inFlight >= this.maxConcurrency) return 'at-capacity';
    return undefined;
  }

  /** Counts sessions this process bound (`delta` 1) or that expired or moved away (−1). */
  addLocalBoundSessions(delta: number): void {
    this.localBoundSessions += delta;
    this.boundSessions = this.localBoundSessions + this.otherBoundSessions;
  }

  /** What the other instances bound to it, as last read. */
  setOtherBoundSessions(count: number): void {
    this.otherBoundSessions = count;
    this.boundSessions = this.localBoundSessions + count;
  }

  /** Replaces the windows it reported (newer answers only); the assessment is recomputed on next use. */
  observeWindows(windows: UsageWindows): void {
    if (this.windows && this.windows.observedAt > windows.observedAt) return;
    this.windows = windows;
    this.#assessment = undefined;
  }

  /** What its windows say at `now`, cached until a reset passes. */
  assessment(now: number): WindowAssessment {
    if (!this.#assessment || now >= this.#assessedUntil) {
      const assessment = assessWindows(this.windows, now);
      this.#assessment = assessment;
      this.#assessedUntil = nextResetAfter(this.windows, now);
      this.headroom = assessment.headroom;
      this.warning = assessment.warning;
    }
    return this.#assessment;
  }

  /**
   * Brings `headroom` and `warning` (what the scheduler reads) up to `now`: two comparisons per account per
   * choice, the assessment itself recomputed only when a window changed or a reset passed.
   */
  assess(now: number): void {
    if (this.#assessment === undefined || now >= this.#assessedUntil) this.assessment(now);
  }

  /** Load between 0 and 1: the share of its concurrency in use. */
  get load(): number {
    return this.inFlight / this.maxConcurrency;
  }

  /**
   * A view for stats and admin routes: no credential, no proxy credentials. `routeOpen`: its route's breaker is
   * open in the connection pool (the registry knows; the account does not), reported when nothing else bars it.
   */
  toJSON(now = Date.now(), routeOpen = false): Record<string, unknown> {
    const assessment = this.assessment(now);
    const reason = this.unavailableReason(now) ?? (routeOpen ? 'route-open' : undefined);
    return {
      id: this.id,
      priority: this.priority,
      auth: this.usesOAuth ? 'oauth' : 'api-key',
      proxy: this.proxy ? redactUrl(this.proxy) : undefined,
      usable: reason === undefined,
      reason:
        reason === 'cooling-down'
          ? `cooling down (${this.coolingReason ?? 'rate-limited'}) until ${new Date(this.coolingUntil).toISOString()}`
          : reason === 'disabled'
            ? `disabled: ${this.disabledReason}`
            : reason,
      inFlight: this.inFlight,
      maxConcurrency: this.maxConcurrency,
      boundSessions: this.boundSessions,
      localBoundSessions: this.localBoundSessions,
      coolingDownForMs: Math.max(0, this.coolingUntil - now),
      coolingUntil: this.coolingUntil > now ? new Date(this.coolingUntil).toISOString() : undefined,
      coolingReason: this.coolingUntil > now ? (this.coolingReason ?? 'rate-limited') : undefined,
      routeOpen,
      disabled: this.disabledReason ?? false,
      headroom: assessment.headroom,
      warning: assessment.warning,
      bindingWindow: assessment.binding,
      windows: this.windows,
      requests: this.requests,
      failures: this.failures,
    };
  }
}

// A window assessment holds until the earliest reset of a window still running (then it says something else).
function nextResetAfter(windows: UsageWindows | undefined, now: number): number {
  if (!windows) return Number.POSITIVE_INFINITY;
  let next = windows.observedAt + 60_000 > now ? windows.observedAt + 60_000 : Number.POSITIVE_INFINITY;
  const consider = (resetAt: number | undefined) => {
    if (resetAt !== undefined && resetAt > now && resetAt < next) next = resetAt;
  };
  for (const limit of Object.values(windows.standard)) consider(limit?.resetAt);
  consider(windows.unified?.resetAt);
  consider(windows.unified?.fiveHour?.resetAt);
  consider(windows.unified?.sevenDay?.resetAt);
  return next;
}

/** A URL without its username and password. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.username && !parsed.password) return url;
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(invalid url)';
  }
}
