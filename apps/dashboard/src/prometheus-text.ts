/**
 * The sum of every sample of one counter in a Prometheus text exposition (all label sets), or undefined
 * when the exposition has no sample of it.
 */
export function sumOfSamples(exposition: string, metricName: string): number | undefined {
  let sum: number | undefined;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(metricName)) continue;
    const rest = line.slice(metricName.length);
    // `name{labels} value` or `name value`; `name_created`, `name_bucket` and the like are other series.
    if (rest[0] !== '{' && rest[0] !== ' ') continue;
    const valueText = rest[0] === '{' ? rest.slice(closingBrace(rest) + 1) : rest;
    const value = Number(valueText.trim().split(/\s+/)[0]);
    if (!Number.isFinite(value)) continue;
    sum = (sum ?? 0) + value;
  }
  return sum;
}

/** The index of the `}` that ends the label set, skipping braces inside quoted label values. */
function closingBrace(text: string): number {
  let quoted = false;
  for (let index = 1; index < text.length; index += 1) {
    const character = text[index];
    if (quoted && character === '\\') index += 1;
    else if (character === '"') quoted = !quoted;
    else if (!quoted && character === '}') return index;
  }
  return text.length;
}
