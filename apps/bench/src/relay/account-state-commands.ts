/**
 * At most how many Redis commands the relay's shared account state ran, from an INFO commandstats delta. Its
 * scripts are sent with EVAL (the session store's run with EVALSHA, and never delete a hash field); each runs at
 * most four commands inside (the state change: HGET, HSET, PUBLISH; the bound-session counts: TIME, HSET,
 * PEXPIRE, HGETALL, plus one HDEL per expired field), and each relay start adds two of its own (the state's
 * HGETALL and its SUBSCRIBE). Every EVAL and HDEL is counted as the account state's, the key store's few (its load
 * and resyncs) included: an upper bound, never an estimate.
 */
export function accountStateCommandsAtMost(delta: ReadonlyMap<string, number>, relayStarts: number): number {
  const evals = delta.get('eval') ?? 0;
  const fieldDeletes = delta.get('hdel') ?? 0;
  return evals * 5 + fieldDeletes + relayStarts * 2;
}

/** `after − before` per command of two INFO commandstats readings. */
export function commandDelta(
  before: ReadonlyMap<string, number>,
  after: ReadonlyMap<string, number>,
): Map<string, number> {
  const delta = new Map<string, number>();
  for (const [command, calls] of after) delta.set(command, calls - (before.get(command) ?? 0));
  return delta;
}
