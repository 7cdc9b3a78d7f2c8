/** Decides whether a model name is on a key's allow-list; compiled once per list. */
export interface ModelAllowList {
  allows(model: string): boolean;
}

/**
 * Compiles model patterns (`claude-sonnet-4-5`, `claude-sonnet-*`, `*`): `*` matches any run of characters,
 * every other character only itself, and a pattern matches the whole name. Exact names go in a set, patterns
 * with a `*` into one anchored regular expression.
 */
export function compileModelAllowList(patterns: readonly string[]): ModelAllowList {
  const exact = new Set<string>();
  const globs: string[] = [];
  for (const pattern of patterns) {
    if (pattern === '*') return { allows: () => true };
    if (pattern.includes('*')) globs.push(pattern.split('*').map(escapeRegExp).join('.*'));
    else exact.add(pattern);
  }
  const matcher = globs.length > 0 ? new RegExp(`^(?:${globs.join('|')})$`, 's') : undefined;
  return { allows: (model) => exact.has(model) || (matcher?.test(model) ?? false) };
}

// Compiled lists by the (immutable) pattern array of a client: each client's list is compiled on its first request.
const compiled = new WeakMap<readonly string[], ModelAllowList>();

/** The compiled allow-list of `patterns`, compiled on first use and kept while the array lives. */
export function modelAllowListOf(patterns: readonly string[]): ModelAllowList {
  let list = compiled.get(patterns);
  if (!list) {
    list = compileModelAllowList(patterns);
    compiled.set(patterns, list);
  }
  return list;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
