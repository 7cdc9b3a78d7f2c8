/** Token counts of one answered request, by how they are billed. */
export interface TokenUsage {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  /** Cache writes with the 5-minute TTL. */
  readonly cacheWrite5m: number;
  /** Cache writes with the 1-hour TTL. */
  readonly cacheWrite1h: number;
}

export const emptyUsage: TokenUsage = Object.freeze({
  input: 0,
  output: 0,
  cacheRead: 0,
  cacheWrite5m: 0,
  cacheWrite1h: 0,
});

/** A token count from an untrusted upstream: a non-negative safe integer, else 0. */
function count(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : 0;
}

/**
 * Reads a Messages API `usage` object (a response's, or a stream's `message_start` / `message_delta` merged). Cache
 * writes come from `cache_creation.ephemeral_5m_input_tokens` / `ephemeral_1h_input_tokens` when that breakdown is
 * present, else `cache_creation_input_tokens` counts as 5-minute writes. Anything malformed counts as 0: an
 * upstream can send anything, and a bad field must not throw on the billing path.
 */
export function readUsage(usage: unknown): TokenUsage {
  if (typeof usage !== 'object' || usage === null) return emptyUsage;
  const fields = usage as Record<string, unknown>;
  const breakdown = fields.cache_creation;
  const hasBreakdown =
    typeof breakdown === 'object' &&
    breakdown !== null &&
    ('ephemeral_5m_input_tokens' in breakdown || 'ephemeral_1h_input_tokens' in breakdown);
  const split = hasBreakdown ? (breakdown as Record<string, unknown>) : undefined;
  return {
    input: count(fields.input_tokens),
    output: count(fields.output_tokens),
    cacheRead: count(fields.cache_read_input_tokens),
    cacheWrite5m: split ? count(split.ephemeral_5m_input_tokens) : count(fields.cache_creation_input_tokens),
    cacheWrite1h: split ? count(split.ephemeral_1h_input_tokens) : 0,
  };
}

/** Every token of `usage`, whatever its kind (token-rate limits count these). */
export function totalTokens(usage: TokenUsage): number {
  return usage.input + usage.output + usage.cacheRead + usage.cacheWrite5m + usage.cacheWrite1h;
}
