import { createHash } from 'node:crypto';

/**
 * What the relay did with a request body before issue #11 (main at 378e922, `sessions/session-id.ts` and
 * `http/json-body.ts`): `JSON.parse` of the whole body, then the session id from the document — the header,
 * else `metadata.user_id`'s session part, else a hash of the client id and the prompt prefix's text.
 * The bench's reference for the body scanner that replaced it; not the relay's code any more.
 */
export function sessionFromParsedBody(raw: Buffer, header: string | undefined, clientId: string): string {
  const document = JSON.parse(raw.toString('utf8')) as unknown;
  if (header !== undefined && /^[A-Za-z0-9._:-]{1,128}$/.test(header)) return header;
  const { metadata, system, messages } = (typeof document === 'object' && document !== null ? document : {}) as {
    metadata?: { user_id?: unknown };
    system?: unknown;
    messages?: unknown;
  };
  const userId = metadata?.user_id;
  if (typeof userId === 'string' && userId.startsWith('{')) {
    try {
      const sessionId = (JSON.parse(userId) as { session_id?: unknown }).session_id;
      if (typeof sessionId === 'string') return sessionId;
    } catch {}
  }
  const hash = createHash('sha256').update(clientId).update('\0').update(textOf(system)).update('\0');
  if (Array.isArray(messages) && messages.length > 0)
    hash.update(textOf((messages[0] as { content?: unknown }).content));
  return hash.digest('hex');
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((block) => String((block as { text?: unknown }).text ?? '')).join('\n');
}
