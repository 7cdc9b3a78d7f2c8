/** Tokens of one response, by kind, and the model that answered. */
export interface TokenUsage {
  input: number;
  output: number;
  cacheRead: number;
  /** `cache_creation_input_tokens`: every cache write, whatever its time to live. */
  cacheCreation: number;
  /** Cache writes with the 5-minute TTL: the breakdown's, else all of `cacheCreation`. */
  cacheWrite5m: number;
  /** Cache writes with the 1-hour TTL (only the breakdown tells them apart). */
  cacheWrite1h: number;
  /** True once a `usage.cache_creation` breakdown was read: from then on it alone sets the two write kinds. */
  cacheBreakdown: boolean;
  /** The model the response names (`message.model`, or the JSON body's `model`); undefined when it named none. */
  model: string | undefined;
}

/** A fresh, all-zero usage record. */
export function emptyUsage(): TokenUsage {
  return {
    input: 0,
    output: 0,
    cacheRead: 0,
    cacheCreation: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    cacheBreakdown: false,
    model: undefined,
  };
}

interface ApiUsage {
  input_tokens?: unknown;
  output_tokens?: unknown;
  cache_read_input_tokens?: unknown;
  cache_creation_input_tokens?: unknown;
  cache_creation?: unknown;
}

/** A token count from an untrusted upstream: a non-negative safe integer, else undefined (the field is ignored). */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Copies the counts present in an API `usage` object onto `usage` (missing fields keep their value; the API's
 * counts are cumulative, so a later event's count replaces an earlier one). Cache writes are read from
 * `cache_creation.ephemeral_5m_input_tokens` / `ephemeral_1h_input_tokens` when that breakdown is present, else
 * `cache_creation_input_tokens` counts as 5-minute writes.
 */
export function applyApiUsage(usage: TokenUsage, apiUsage: ApiUsage | undefined): void {
  if (!apiUsage) return;
  const input = count(apiUsage.input_tokens);
  if (input !== undefined) usage.input = input;
  const output = count(apiUsage.output_tokens);
  if (output !== undefined) usage.output = output;
  const cacheRead = count(apiUsage.cache_read_input_tokens);
  if (cacheRead !== undefined) usage.cacheRead = cacheRead;
  const cacheCreation = count(apiUsage.cache_creation_input_tokens);
  if (cacheCreation !== undefined) usage.cacheCreation = cacheCreation;
  const breakdown = apiUsage.cache_creation;
  if (typeof breakdown === 'object' && breakdown !== null) {
    const split = breakdown as Record<string, unknown>;
    const fiveMinutes = count(split.ephemeral_5m_input_tokens);
    const oneHour = count(split.ephemeral_1h_input_tokens);
    if (fiveMinutes !== undefined || oneHour !== undefined) {
      usage.cacheBreakdown = true;
      usage.cacheWrite5m = fiveMinutes ?? 0;
      usage.cacheWrite1h = oneHour ?? 0;
      return;
    }
  }
  if (!usage.cacheBreakdown && cacheCreation !== undefined) {
    usage.cacheWrite5m = cacheCreation;
    usage.cacheWrite1h = 0;
  }
}

/** Every token of `usage`, whatever its kind (token-rate limits count these). */
export function totalTokens(usage: TokenUsage): number {
  return usage.input + usage.output + usage.cacheRead + usage.cacheWrite5m + usage.cacheWrite1h;
}
