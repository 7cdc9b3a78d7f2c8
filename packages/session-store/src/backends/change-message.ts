/** What a hybrid store announces on the change channel: the sessions and affinities it wrote. */
export interface ChangeMessage {
  readonly from: string;
  readonly sessions?: readonly string[];
  readonly affinities?: readonly string[];
}

/** The longest message read from the channel; a batch announces at most `batchSize` ids of each kind. */
const maxMessageLength = 1024 * 1024;

/** A decoded message, or why it was refused. */
export type DecodedChangeMessage =
  | { readonly message: ChangeMessage; readonly reason?: undefined }
  | { readonly message?: undefined; readonly reason: string };

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

/**
 * Decodes a message read from the change channel. Any Redis peer can publish there, so nothing about it is trusted:
 * anything but `{ from: string, sessions?: string[], affinities?: string[] }` is refused with a reason.
 */
export function decodeChangeMessage(raw: string): DecodedChangeMessage {
  if (raw.length > maxMessageLength) return { reason: `longer than ${maxMessageLength} characters` };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { reason: 'not JSON' };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { reason: 'not a JSON object' };
  const { from, sessions, affinities } = parsed as Record<string, unknown>;
  if (typeof from !== 'string') return { reason: '"from" is not a string' };
  if (sessions !== undefined && !isStringArray(sessions)) return { reason: '"sessions" is not an array of strings' };
  if (affinities !== undefined && !isStringArray(affinities)) {
    return { reason: '"affinities" is not an array of strings' };
  }
  return {
    message: {
      from,
      ...(sessions === undefined ? {} : { sessions }),
      ...(affinities === undefined ? {} : { affinities }),
    },
  };
}
