/**
 * The warning `--workers N` prints with the memory store: every worker then keeps its own sessions, key limits and
 * usage ledger, so a key may use N times its limits and budgets. Undefined when nothing is split.
 */
export function workersStoreWarning(workers: number, store: 'memory' | 'redis' | 'hybrid'): string | undefined {
  if (workers <= 1 || store !== 'memory') return undefined;
  return (
    `relay: warning: with --workers ${workers} and sessions.store "memory", each worker keeps its own sessions, ` +
    `client key limits and usage ledger: a key may use ${workers} times its limits and budgets, and a session may ` +
    'move between workers. Set sessions.store to "hybrid" or "redis" to share them.'
  );
}
