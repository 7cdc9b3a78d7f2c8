import { durationText } from '../format.js';

/**
 * One limit as a labelled bar: a native `<meter>` (its colour turns at 75 % and 90 %; screen readers read its
 * label and value), the figures, and when it resets.
 */
export function UsageMeter({
  id,
  label,
  used,
  detail,
  resetsInMs,
  state,
}: {
  id: string;
  label: string;
  /** 0–1, or undefined when not known (no bar then). */
  used: number | undefined;
  detail: string;
  resetsInMs?: number | undefined;
  state?: 'ok' | 'warning' | 'exhausted';
}) {
  const reset = resetsInMs === undefined ? '' : `resets in ${durationText(resetsInMs)}`;
  const flag = state === 'exhausted' ? ' (used up)' : state === 'warning' ? ' (warned)' : '';
  return (
    <div class="meter-row" data-meter={id} data-used={used}>
      <span class="meter-label">{label}</span>
      <span class="meter-detail">
        {detail}
        {flag}
      </span>
      {used !== undefined && (
        <meter
          min={0}
          max={1}
          low={0.75}
          high={0.9}
          optimum={0}
          value={Math.min(1, Math.max(0, used))}
          aria-label={`${label}: ${detail}${flag}${reset ? `, ${reset}` : ''}`}
        />
      )}
      {reset && <span class="meter-reset">{reset}</span>}
    </div>
  );
}
