/** HH:MM:SS in the browser's time zone. */
export function clockTime(date: Date): string {
  return date.toLocaleTimeString('en-GB', { hour12: false });
}

/** HH:MM:SS when `epochMs` is on the browser's today, else the date and time. */
export function dateTimeText(epochMs: number, now: number): string {
  const date = new Date(epochMs);
  if (date.toDateString() === new Date(now).toDateString()) return clockTime(date);
  return date.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', hour12: false });
}

/** A span as people say it, rounded up to the unit shown: `42 s`, `3 min 05 s`, `4 h 05 min`, `2 d 03 h`. */
export function durationText(milliseconds: number): string {
  const seconds = Math.max(0, Math.ceil(milliseconds / 1000));
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${pad(seconds % 60)} s`;
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ${pad(minutes % 60)} min`;
  const hours = Math.ceil(minutes / 60);
  return `${Math.floor(hours / 24)} d ${pad(hours % 24)} h`;
}

/** Dollars: cents from a dollar up, else to a hundredth of a cent (a request costs a fraction of one). */
export function usdText(usd: number): string {
  if (Math.abs(usd) >= 1) return `$${usd.toFixed(2)}`;
  return `$${usd
    .toFixed(4)
    .replace(/(\.\d\d\d?)0+$/, '$1')
    .replace(/(\.\d\d)0$/, '$1')}`;
}

/** Seconds as ms below 10 s (`375 ms`), else seconds (`12.5 s`); `—` when unknown. */
export function secondsText(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  return seconds < 10 ? `${Math.round(seconds * 1000)} ms` : `${seconds.toFixed(1)} s`;
}

/** A count short enough for a bar's caption: separators below 100,000 (`4,000`), else `2.4M`, `150K`. */
export function shortCountText(count: number): string {
  if (Math.abs(count) < 100_000) return countText(count);
  return new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 }).format(count);
}

/** A whole number with thousands separators. */
export function countText(count: number): string {
  return count.toLocaleString('en-US');
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}

/** Tick labels for times in seconds: HH:MM when every tick is on a whole minute, else HH:MM:SS. */
export function clockTicks(splits: readonly number[]): string[] {
  const seconds = splits.some((split) => split % 60 !== 0);
  return splits.map((split) =>
    new Date(split * 1000).toLocaleTimeString('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      ...(seconds ? { second: '2-digit' } : {}),
      hour12: false,
    }),
  );
}
