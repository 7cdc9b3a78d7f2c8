/** The per-minute limits the mock advertises in its `anthropic-ratelimit-*` headers. */
export interface RateLimits {
  requests: number;
  inputTokens: number;
  outputTokens: number;
}

/** Limits of a high Anthropic tier, so that `remaining` rarely reaches 0 in a test. */
export const defaultRateLimits: RateLimits = { requests: 4000, inputTokens: 2_000_000, outputTokens: 400_000 };

const minuteMs = 60_000;

/** RFC 3339 without milliseconds, as the API writes its reset times. */
function rfc3339(timeMs: number): string {
  return new Date(timeMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Counts requests and tokens in the current minute and renders the `anthropic-ratelimit-*` headers
 * from them. It only reports: the mock never refuses a request for exceeding a limit.
 */
export class RateLimitWindow {
  readonly #limits: RateLimits;
  #windowEnd = 0;
  #resetText = '';
  #requests = 0;
  #inputTokens = 0;
  #outputTokens = 0;

  constructor(limits: RateLimits = defaultRateLimits) {
    this.#limits = limits;
  }

  /** Counts one request and its tokens in the current window. */
  record(inputTokens: number, outputTokens: number, now = Date.now()): void {
    this.#roll(now);
    this.#requests++;
    this.#inputTokens += inputTokens;
    this.#outputTokens += outputTokens;
  }

  /** The headers of a successful response. */
  headers(now = Date.now()): Record<string, string> {
    this.#roll(now);
    const limits = this.#limits;
    const inputRemaining = Math.max(0, limits.inputTokens - this.#inputTokens);
    const outputRemaining = Math.max(0, limits.outputTokens - this.#outputTokens);
    return {
      'anthropic-ratelimit-requests-limit': String(limits.requests),
      'anthropic-ratelimit-requests-remaining': String(Math.max(0, limits.requests - this.#requests)),
      'anthropic-ratelimit-requests-reset': this.#resetText,
      'anthropic-ratelimit-input-tokens-limit': String(limits.inputTokens),
      'anthropic-ratelimit-input-tokens-remaining': String(inputRemaining),
      'anthropic-ratelimit-input-tokens-reset': this.#resetText,
      'anthropic-ratelimit-output-tokens-limit': String(limits.outputTokens),
      'anthropic-ratelimit-output-tokens-remaining': String(outputRemaining),
      'anthropic-ratelimit-output-tokens-reset': this.#resetText,
      'anthropic-ratelimit-tokens-limit': String(limits.inputTokens + limits.outputTokens),
      'anthropic-ratelimit-tokens-remaining': String(inputRemaining + outputRemaining),
      'anthropic-ratelimit-tokens-reset': this.#resetText,
    };
  }

  /**
   * The headers of a 429: every `remaining` at 0, resets `retryAfterSeconds` from now (or at the end
   * of the window), and `retry-after` when `retryAfterSeconds` is given.
   */
  exhaustedHeaders(retryAfterSeconds: number | undefined, now = Date.now()): Record<string, string> {
    this.#roll(now);
    const reset = retryAfterSeconds === undefined ? this.#resetText : rfc3339(now + retryAfterSeconds * 1000);
    const limits = this.#limits;
    const headers: Record<string, string> = {
      'anthropic-ratelimit-requests-limit': String(limits.requests),
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-requests-reset': reset,
      'anthropic-ratelimit-input-tokens-limit': String(limits.inputTokens),
      'anthropic-ratelimit-input-tokens-remaining': '0',
      'anthropic-ratelimit-input-tokens-reset': reset,
      'anthropic-ratelimit-output-tokens-limit': String(limits.outputTokens),
      'anthropic-ratelimit-output-tokens-remaining': '0',
      'anthropic-ratelimit-output-tokens-reset': reset,
      'anthropic-ratelimit-tokens-limit': String(limits.inputTokens + limits.outputTokens),
      'anthropic-ratelimit-tokens-remaining': '0',
      'anthropic-ratelimit-tokens-reset': reset,
    };
    if (retryAfterSeconds !== undefined) headers['retry-after'] = String(retryAfterSeconds);
    return headers;
  }

  #roll(now: number): void {
    if (now < this.#windowEnd) return;
    this.#windowEnd = Math.floor(now / minuteMs) * minuteMs + minuteMs;
    this.#resetText = rfc3339(this.#windowEnd);
    this.#requests = 0;
    this.#inputTokens = 0;
    this.#outputTokens = 0;
  }
}
