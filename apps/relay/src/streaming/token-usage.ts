/** Tokens of one response, by kind. */
export interface TokenUsage {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
}

/** A fresh, all-zero usage record. */
export function emptyUsage(): TokenUsage {
  return { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 };
}

interface ApiUsage {
  input_tokens?: unknown;
  output_tokens?: unknown;
  cache_read_input_tokens?: unknown;
  cache_creation_input_tokens?: unknown;
}

/** Copies the counts present in an API `usage` object onto `usage` (missing fields keep their value). */
export function applyApiUsage(usage: TokenUsage, apiUsage: ApiUsage | undefined): void {
  if (!apiUsage) return;
  if (typeof apiUsage.input_tokens === 'number') usage.input = apiUsage.input_tokens;
  if (typeof apiUsage.output_tokens === 'number') usage.output = apiUsage.output_tokens;
  if (typeof apiUsage.cache_read_input_tokens === 'number') usage.cacheRead = apiUsage.cache_read_input_tokens;
  if (typeof apiUsage.cache_creation_input_tokens === 'number')
    usage.cacheCreation = apiUsage.cache_creation_input_tokens;
}
