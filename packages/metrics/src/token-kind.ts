/** The kinds of tokens the upstream reports in `usage`, as label values. */
export type TokenKind = 'input' | 'output' | 'cache_read' | 'cache_creation';

/** Every token kind, in cell order. */
export const TOKEN_KINDS: readonly TokenKind[] = ['input', 'output', 'cache_read', 'cache_creation'];
