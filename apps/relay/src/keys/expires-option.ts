const unitMs: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const durationPattern = /^([1-9]\d{0,5})([mhdw])$/;
const isoPattern = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses `--expires`: a duration from `now` (`90m`, `12h`, `30d`, `2w`) or an ISO 8601 date or date-time
 * (`2026-01-31`, `2026-01-31T18:00:00Z`; a date alone is midnight UTC). Resolves to epoch ms; throws with a message
 * fit for the user for anything else, or a time not after `now`.
 */
export function parseExpiresOption(text: string, now: number): number {
  const trimmed = text.trim();
  const duration = durationPattern.exec(trimmed);
  if (duration) return now + Number(duration[1]) * (unitMs[duration[2] as string] as number);
  const at = isoPattern.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  if (Number.isNaN(at)) {
    throw new Error(`--expires "${text}": expected a duration (90m, 12h, 30d, 2w) or an ISO 8601 date (2026-01-31)`);
  }
  if (at <= now) throw new Error(`--expires "${text}" is not in the future`);
  return at;
}
