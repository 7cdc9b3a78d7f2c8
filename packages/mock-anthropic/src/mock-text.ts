/** How many `content_block_delta` events a streamed message has unless the `deltas` option says otherwise. */
export const defaultDeltas = 10;

const words = ['Hello', ' from', ' the', ' mock', ' Anthropic', ' upstream.'];

/** The deltas of the default text: `deltas` words of "Hello from the mock Anthropic upstream.", repeated. */
export function defaultMockDeltas(deltas: number = defaultDeltas): string[] {
  const pieces: string[] = [];
  for (let index = 0; index < deltas; index++) {
    const word = words[index % words.length] as string;
    pieces.push(index > 0 && index % words.length === 0 ? ` ${word}` : word);
  }
  return pieces;
}

/** The text the mock answers with when no `text` option is given: one word per delta, `deltas` words. */
export function defaultMockText(deltas: number = defaultDeltas): string {
  return defaultMockDeltas(deltas).join('');
}

/**
 * The text a mock created with these options answers with (the concatenation of all its text deltas),
 * for a static `text` option or none.
 */
export function expectedText(options: { text?: string; deltas?: number } = {}): string {
  return options.text ?? defaultMockText(options.deltas);
}

/**
 * Splits `text` into `deltas` pieces of nearly equal length, never inside a code point; a text shorter
 * than `deltas` code points gives one piece per code point, an empty text none.
 */
export function splitIntoDeltas(text: string, deltas: number): string[] {
  if (text === '') return [];
  if (deltas === 1) return [text];
  const codePoints = Array.from(text);
  const count = Math.min(deltas, codePoints.length);
  const pieces: string[] = [];
  for (let index = 0; index < count; index++) {
    const start = Math.floor((index * codePoints.length) / count);
    const end = Math.floor(((index + 1) * codePoints.length) / count);
    pieces.push(codePoints.slice(start, end).join(''));
  }
  return pieces;
}
