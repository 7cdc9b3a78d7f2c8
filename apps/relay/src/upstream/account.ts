import type { AccountConfig } from '../config/config-schema.js';

/** Why an account is not usable right now. */
export type AccountUnavailableReason = 'disabled' | 'cooling-down' | 'at-capacity' | 'route-open';

/** An upstream account and its live state: in-flight requests, cool-down, disabled flag. */
export class Account {
  readonly id: string;
  readonly priority: number;
  readonly maxConcurrency: number;
  readonly proxy: string | undefined;
  /** The headers that authenticate this account upstream; never logged, never shown. */
  readonly credentialHeaders: Readonly<Record<string, string>>;
  readonly usesOAuth: boolean;
  inFlight = 0;
  coolingUntil = 0;
  /** Consecutive 5xx/529 answers: the cool-down doubles with each. */
  consecutiveFailures = 0;
  disabledReason: string | undefined;
  requests = 0;
  failures = 0;

  constructor(config: AccountConfig) {
    this.id = config.id;
    this.priority = config.priority;
    this.maxConcurrency = config.maxConcurrency;
    this.proxy = config.proxy;
    this.usesOAuth = Boolean(config.oauthToken);
    this.credentialHeaders = config.oauthToken
      ? { authorization: `Bearer ${config.oauthToken}` }
      : { 'x-api-key': config.apiKey as string };
  }

  /** Why it cannot take a request at `now`, or undefined when it can (the route's breaker is checked elsewhere). */
  unavailableReason(now: number): AccountUnavailableReason | undefined {
    if (this.disabledReason) return 'disabled';
    if (now < this.coolingUntil) return 'cooling-down';
    if (this.inFlight >= this.maxConcurrency) return 'at-capacity';
    return undefined;
  }

  /** Load between 0 and 1: the share of its concurrency in use. */
  get load(): number {
    return this.inFlight / this.maxConcurrency;
  }

  /** A view for stats and admin routes: no credential, no proxy credentials. */
  toJSON(now = Date.now()): Record<string, unknown> {
    return {
      id: this.id,
      priority: this.priority,
      auth: this.usesOAuth ? 'oauth' : 'api-key',
      proxy: this.proxy ? redactUrl(this.proxy) : undefined,
      inFlight: this.inFlight,
      maxConcurrency: this.maxConcurrency,
      coolingDownForMs: Math.max(0, this.coolingUntil - now),
      disabled: this.disabledReason ?? false,
      requests: this.requests,
      failures: this.failures,
    };
  }
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
