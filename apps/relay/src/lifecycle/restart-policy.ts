/** How the primary of `--workers N` replaces workers that die. */
export interface RestartPolicy {
  /** Wait before the first replacement; it doubles with each crash in the window. */
  initialDelayMs: number;
  maxDelayMs: number;
  /** Crashes within `windowMs` after which the primary gives up (and exits 1). */
  maxCrashes: number;
  windowMs: number;
}

export const defaultRestartPolicy: RestartPolicy = {
  initialDelayMs: 100,
  maxDelayMs: 10_000,
  maxCrashes: 5,
  windowMs: 60_000,
};

/** What to do after a crash. */
export type RestartDecision = { action: 'restart'; delayMs: number } | { action: 'give-up'; crashes: number };

/**
 * Decides, from the times of the crashes so far (this one included) and the time now, whether to replace
 * the worker (and after how long) or give up: a worker that cannot start would otherwise be re-forked forever.
 */
export function decideRestart(crashTimes: readonly number[], now: number, policy: RestartPolicy): RestartDecision {
  const crashes = crashTimes.filter((time) => time > now - policy.windowMs).length;
  if (crashes >= policy.maxCrashes) return { action: 'give-up', crashes };
  const delayMs = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, crashes - 1));
  return { action: 'restart', delayMs };
}
