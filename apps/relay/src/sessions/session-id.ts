import { createHash } from 'node:crypto';

/** Where a request's session id came from, strongest first. */
export type SessionIdSource = 'header' | 'metadata' | 'prompt-hash';

export interface SessionIdentity {
  id: string;
  source: SessionIdSource;
}

const sessionIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;
const legacyUserIdSession = /_session_([A-Za-z0-9-]{1,128})$/;

/**
 * The session of a request: `x-claude-code-session-id`, else the session part of `metadata.user_id` (Claude
 * Code's JSON string or the older `user_<hex>_account_<...>_session_<uuid>`), else a hash of the stable prompt
 * prefix (system text and first message), scoped to the client so two clients never share a session.
 */
export function identifySession(
  headerValue: string | string[] | undefined,
  body: unknown,
  clientId: string,
): SessionIdentity {
  if (typeof headerValue === 'string' && sessionIdPattern.test(headerValue))
    return { id: headerValue, source: 'header' };
  const fromMetadata = sessionFromUserId(readUserId(body));
  if (fromMetadata) return { id: fromMetadata, source: 'metadata' };
  return { id: promptPrefixHash(body, clientId), source: 'prompt-hash' };
}

function readUserId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const metadata = (body as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  const userId = (metadata as { user_id?: unknown }).user_id;
  return typeof userId === 'string' ? userId : undefined;
}

/** The session id inside a `metadata.user_id` value, in either of its two known forms. */
export function sessionFromUserId(userId: string | undefined): string | undefined {
  if (!userId) return undefined;
  if (userId.startsWith('{')) {
    try {
      const sessionId = (JSON.parse(userId) as { session_id?: unknown }).session_id;
      return typeof sessionId === 'string' && sessionIdPattern.test(sessionId) ? sessionId : undefined;
    } catch {
      return undefined;
    }
  }
  return legacyUserIdSession.exec(userId)?.[1];
}

function promptPrefixHash(body: unknown, clientId: string): string {
  const hash = createHash('sha256').update(clientId).update('\0');
  if (typeof body === 'object' && body !== null) {
    const { system, messages } = body as { system?: unknown; messages?: unknown };
    hash.update(textOf(system)).update('\0');
    if (Array.isArray(messages) && messages.length > 0)
      hash.update(textOf((messages[0] as { content?: unknown }).content));
  }
  return `prompt-${hash.digest('hex').slice(0, 32)}`;
}

/** The text of a string or of an array of content blocks (cache_control and other fields do not count). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((block) =>
      typeof block === 'object' && block !== null ? String((block as { text?: unknown }).text ?? '') : '',
    )
    .join('\n');
}
