import type { StandardLimit, UnifiedWindow, UsageWindows } from './usage-windows.js';

/** What an account's usage windows say about it at one moment. */
export interface WindowAssessment {
  /** Epoch ms until which a rejected window forbids the account; undefined when none does. */
  blockedUntil: number | undefined;
  /** 0–1: the smallest share left over the windows still running (1 when nothing is known). */
  headroom: number;
  /** True when the upstream warned (`allowed_warning`) about a window still running. */
  warning: boolean;
  /** Which window binds, for admin views: `five_hour`, `seven_day`, `requests`, `tokens`, … */
  binding: string | undefined;
}

const unknown: WindowAssessment = { blockedUntil: undefined, headroom: 1, warning: false, binding: undefined };

/**
 * Reads the windows last reported for an account at `now`. A window whose reset has passed says nothing
 * any more: that is how an exhausted account is re-admitted by itself.
 */
export function assessWindows(windows: UsageWindows | undefined, now: number): WindowAssessment {
  if (!windows) return unknown;
  let headroom = 1;
  let binding: string | undefined;
  let warning = false;
  let blockedUntil: number | undefined;
  const consider = (name: string, left: number) => {
    if (left < headroom) {
      headroom = left;
      binding = name;
    }
  };

  for (const [name, limit] of Object.entries(windows.standard) as [string, StandardLimit][]) {
    if (!isRunning(limit.resetAt, windows.observedAt, now)) continue;
    consider(name, limit.limit === 0 ? 0 : limit.remaining / limit.limit);
  }

  const unified = windows.unified;
  if (unified) {
    const named: [string, UnifiedWindow | undefined][] = [
      ['five_hour', unified.fiveHour],
      ['seven_day', unified.sevenDay],
    ];
    for (const [name, window] of named) {
      if (!window || !isRunning(window.resetAt, windows.observedAt, now)) continue;
      if (window.utilization !== undefined) consider(name, 1 - window.utilization);
      if (window.status === 'allowed_warning') warning = true;
      if (window.status === 'rejected' && window.resetAt !== undefined) {
        blockedUntil = Math.max(blockedUntil ?? 0, window.resetAt);
      }
    }
    if (unified.status === 'rejected') {
      // Without any reset the caller's own rate-limit cool-down applies.
      const reset = unified.resetAt;
      if (reset !== undefined && reset > now) blockedUntil = Math.max(blockedUntil ?? 0, reset);
    } else if (unified.status === 'allowed_warning' && isRunning(unified.resetAt, windows.observedAt, now)) {
      warning = true;
    }
    if (unified.representativeClaim && binding !== undefined && binding !== 'requests' && binding !== 'tokens') {
      binding = unified.representativeClaim;
    }
  }
  if (blockedUntil !== undefined && blockedUntil <= now) blockedUntil = undefined;
  if (blockedUntil !== undefined) headroom = 0;
  return { blockedUntil, headroom: Math.max(0, Math.min(1, headroom)), warning, binding };
}

// A window without a reset time is believed for a minute after it was reported.
const unknownResetLifetimeMs = 60_000;

function isRunning(resetAt: number | undefined, observedAt: number, now: number): boolean {
  return resetAt === undefined ? now < observedAt + unknownResetLifetimeMs : now < resetAt;
}
