/**
 * Tokens the mock reports for `byteLength` bytes: one per 4 bytes, rounded up, at least 1.
 * Input tokens are estimated from the request body's byte length, output tokens from the UTF-8 byte
 * length of the generated text, so tests can predict both.
 */
export function estimateTokens(byteLength: number): number {
  return Math.max(1, Math.ceil(byteLength / 4));
}
