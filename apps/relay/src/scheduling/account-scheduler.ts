/** One usable account as the scheduler sees it: plain numbers, no I/O. */
export interface SchedulingCandidate {
  id: string;
  /** Lower is preferred; a higher tier is used only when no account of a lower one is usable. */
  priority: number;
  /** 0–1, from the account's usage windows (1 when unknown). */
  headroom: number;
  /** The upstream warned about one of its windows. */
  warning: boolean;
  /** Sessions currently bound to it (across instances where the store shares them). */
  boundSessions: number;
  /** Requests in flight on this process. */
  inFlight: number;
}

export interface SchedulingPolicy {
  /** Below this headroom an account takes new sessions only when no account of its tier has more. */
  lowHeadroom: number;
}

export const defaultSchedulingPolicy: SchedulingPolicy = { lowHeadroom: 0.1 };

/**
 * Picks the account for a new session: the lowest priority tier; within it, accounts with headroom and no
 * warning before the others; among those, the least load per unit of headroom (bound sessions plus in
 * flight), with a random choice among equals, so that equal accounts share new sessions evenly and no
 * single account is the tie-break's favourite. (The power of two choices was tried: 12 sequential sessions
 * over 3 equal accounts left one with fewer than 3 in 1.8 % of runs; least cost never does.) `random` returns [0, 1) (Math.random in production, a seeded one in tests).
 */
export function chooseAccountForNewSession<Candidate extends SchedulingCandidate>(
  candidates: readonly Candidate[],
  random: () => number,
  policy: SchedulingPolicy = defaultSchedulingPolicy,
): Candidate | undefined {
  // One pass, no allocation (it runs for every new session): rank by priority, then healthy before not, then
  // least cost (healthy) or most headroom (not healthy); equals share the choice at random. A candidate that
  // already loses on priority or health is passed over before its score is computed.
  const lowHeadroom = policy.lowHeadroom;
  let chosen: Candidate | undefined;
  let chosenPriority = 0;
  let chosenHealthy = false;
  let chosenScore = 0;
  let equals = 0;
  for (let index = 0; index < candidates.length; index += 1) {
    const candidate = candidates[index] as Candidate;
    const priority = candidate.priority;
    if (chosen !== undefined && priority > chosenPriority) continue;
    const headroom = candidate.headroom;
    const healthy = headroom >= lowHeadroom && !candidate.warning;
    const sameTier = chosen !== undefined && priority === chosenPriority;
    if (sameTier && chosenHealthy && !healthy) continue;
    // Lower is better for both: cost when healthy, lack of headroom when not.
    const score = healthy ? cost(candidate) : 1 - headroom;
    if (sameTier && healthy === chosenHealthy) {
      if (score > chosenScore) continue;
      if (score === chosenScore) {
        equals += 1;
        if (random() * equals < 1) chosen = candidate;
        continue;
      }
    }
    chosen = candidate;
    chosenPriority = priority;
    chosenHealthy = healthy;
    chosenScore = score;
    equals = 1;
  }
  return chosen;
}

/** Lower is better: the load an account would carry per unit of headroom left. */
export function cost(candidate: SchedulingCandidate): number {
  return (candidate.boundSessions + candidate.inFlight + 1) / Math.max(candidate.headroom, 0.01);
}
