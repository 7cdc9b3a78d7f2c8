/** Decides whether a model name is on a key's allow-list; compiled once per list. */
export interface ModelAllowList {
  allows(model: string): boolean;
}

/**
 * Compiles model patterns (`claude-sonnet-4-5`, `claude-sonnet-*`, `*`): `*` matches any run of characters,
 * every other character only itself, and a pattern matches the whole name. Exact names go in a set; a pattern
 * with a `*` is matched by its literal pieces in order (the first at the start, the last at the end, each one
 * between at its first place after the one before), which is linear in the name: the model name comes from the
 * client, and a backtracking regular expression of `*sonnet*4*` takes minutes over a 1 MB name.
 */
export function compileModelAllowList(patterns: readonly string[]): ModelAllowList {
  const exact = new Set<string>();
  const globs: string[][] = [];
  for (const pattern of patterns) {
    if (pattern === '*') return { allows: () => true };
    if (pattern.includes('*')) globs.push(pattern.split('*'));
    else exact.add(pattern);
  }
  return { allows: (model) => exact.has(model) || globs.some((pieces) => matchesGlob(pieces, model)) };
}

/** Whether `name` is the pieces of a pattern split at its `*`s (at least two), with anything between them. */
function matchesGlob(pieces: readonly string[], name: string): boolean {
  const first = pieces[0] as string;
  const last = pieces[pieces.length - 1] as string;
  if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) return false;
  // Greedy is exact here: taking each middle piece at its first place leaves the most room for the rest.
  let position = first.length;
  const end = name.length - last.length;
  for (let index = 1; index < pieces.length - 1; index += 1) {
    const piece = pieces[index] as string;
    const found = name.indexOf(piece, position);
    if (found === -1 || found + piece.length > end) return false;
    position = found + piece.length;
  }
  return true;
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
