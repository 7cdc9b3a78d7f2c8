import { shortCountText } from './format.js';
import type { UnifiedWindowStats, UsageWindowsStats } from './relay-stats.js';

/** One usage window of an account as a bar: how much of it is used and when it resets. */
export interface WindowBar {
  readonly id: string;
  readonly label: string;
  /** 0–1. */
  readonly used: number;
  /** `12 of 4,000 used`, `97 % used`. */
  readonly detail: string;
  /** Undefined when the upstream gave no reset. */
  readonly resetsInMs: number | undefined;
  /** `warning`: the upstream warned; `exhausted`: nothing left, or the upstream rejects it until the reset. */
  readonly state: 'ok' | 'warning' | 'exhausted';
}

const standardLabels = {
  requests: 'Requests/min',
  tokens: 'Tokens/min',
  'input-tokens': 'Input tokens/min',
  'output-tokens': 'Output tokens/min',
} as const;

// As the relay reads them (window-assessment.ts): a window without a reset is believed for a minute.
const unknownResetLifetimeMs = 60_000;

/**
 * The windows an account last reported that still run at `now` (a window whose reset passed says nothing any
 * more), subscription windows first.
 */
export function windowBars(windows: UsageWindowsStats | undefined, now: number): WindowBar[] {
  if (!windows) return [];
  const running = (resetAt: number | undefined) =>
    resetAt === undefined ? now < windows.observedAt + unknownResetLifetimeMs : now < resetAt;
  const bars: WindowBar[] = [];
  const unified: Array<[string, string, UnifiedWindowStats | undefined]> = [
    ['five_hour', '5-hour window', windows.unified?.fiveHour],
    ['seven_day', '7-day window', windows.unified?.sevenDay],
  ];
  for (const [id, label, window] of unified) {
    if (!window || !running(window.resetAt)) continue;
    const used = clamp(window.utilization ?? (window.status === 'rejected' ? 1 : 0));
    bars.push({
      id,
      label,
      used,
      detail: window.utilization === undefined ? 'use not reported' : `${Math.round(used * 100)} % used`,
      resetsInMs: resetIn(window.resetAt, now),
      state: window.status === 'rejected' ? 'exhausted' : window.status === 'allowed_warning' ? 'warning' : 'ok',
    });
  }
  for (const [id, label] of Object.entries(standardLabels) as Array<[keyof typeof standardLabels, string]>) {
    const limit = windows.standard[id];
    if (!limit || !running(limit.resetAt)) continue;
    const usedCount = Math.max(0, limit.limit - limit.remaining);
    bars.push({
      id,
      label,
      used: limit.limit === 0 ? 1 : clamp(usedCount / limit.limit),
      detail: `${shortCountText(usedCount)} of ${shortCountText(limit.limit)} used`,
      resetsInMs: resetIn(limit.resetAt, now),
      state: limit.remaining <= 0 ? 'exhausted' : 'ok',
    });
  }
  return bars;
}

function resetIn(resetAt: number | undefined, now: number): number | undefined {
  return resetAt === undefined ? undefined : Math.max(0, resetAt - now);
}

function clamp(value: number): number {
  return Math.min(1, Math.max(0, value));
}
