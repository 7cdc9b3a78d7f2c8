/**
 * The Redis commands the relay's shared account state ran, from an INFO commandstats delta of a run in which
 * nothing else calls EVAL or HDEL: the relay's account scripts are sent with EVAL (the session store's with
 * EVALSHA, and its scripts never delete a hash field). Each account script runs at most four commands inside
 * (the state change: HGET, HSET, PUBLISH; the bound-session counts: TIME, HSET, PEXPIRE, HGETALL, plus one HDEL
 * per expired field), and each relay start adds two of its own (the state's HGETALL and its SUBSCRIBE). An upper
 * bound, never an estimate: every command it cannot attribute exactly is counted at its most.
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
