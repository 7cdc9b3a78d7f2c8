/** A figure for people: grouped thousands for large values, three significant digits for small ones. */
export function formatNumber(value: number | undefined): string {
  if (value === undefined) return '';
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Number.isInteger(value)) return String(value);
  if (magnitude >= 100) return value.toFixed(0);
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  if (magnitude === 0) return '0';
  return value.toPrecision(3);
}

/** A ratio such as `0.93×`. */
export function formatRatio(ratio: number | undefined): string {
  return ratio === undefined ? '' : `${ratio.toFixed(2)}×`;
}

/** The spread of round medians, `min–max`. */
export function formatSpread(min: number | undefined, max: number | undefined): string {
  if (min === undefined || max === undefined) return '';
  return `${formatNumber(min)}–${formatNumber(max)}`;
}
