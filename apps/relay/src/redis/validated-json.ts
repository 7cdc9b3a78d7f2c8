import type { z } from 'zod';

/**
 * Parses text read from a shared Redis (a published message or a stored value: any peer may have written it)
 * and checks it against `schema`. Never throws: garbage is reported to `onRejected` as "<what> that is not JSON"
 * or "<what> of the wrong shape", and undefined is returned.
 */
export function parseValidatedJson<Schema extends z.ZodType>(
  schema: Schema,
  text: string,
  what: string,
  onRejected: ((reason: string) => void) | undefined,
): z.output<Schema> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    onRejected?.(`${what} that is not JSON`);
    return undefined;
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    onRejected?.(`${what} of the wrong shape`);
    return undefined;
  }
  return result.data;
}
