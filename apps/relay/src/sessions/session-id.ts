import { hash } from 'node:crypto';
import { decodeString, type ScannedBody, type StringRange } from '../http/body-scanner.js';
import { scopedSessionId } from './session-scope.js';

/** Where a request's session id came from, strongest first. */
export type SessionIdSource = 'header' | 'metadata' | 'prompt-hash';

export interface SessionIdentity {
  /** The id the store keeps: scoped by the client key (see `scopedSessionId`). */
  id: string;
  /** The id as the client knows it. */
  clientSessionId: string;
  source: SessionIdSource;
}

// No `/`: the scope separator (session-scope.ts).
const sessionIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;
const legacyUserIdSession = /_session_([A-Za-z0-9-]{1,128})$/;
// Claude Code's user_id is about 150 bytes; a longer one is not decoded (nor JSON.parsed: it could be 32 MiB).
const maxUserIdBytes = 1024;

/**
 * The session of a request: `x-claude-code-session-id`, else the session part of `metadata.user_id` (Claude
 * Code's JSON string or the older `user_<hex>_account_<...>_session_<uuid>`), else a hash of the stable prompt
 * prefix (the `text` strings of `system` and of the first message). Always scoped to the client.
 */
export function identifySession(
  headerValue: string | string[] | undefined,
  body: ScannedBody | undefined,
  clientId: string,
): SessionIdentity {
  const identity = (clientSessionId: string, source: SessionIdSource): SessionIdentity => ({
    id: scopedSessionId(clientId, clientSessionId),
    clientSessionId,
    source,
  });
  if (typeof headerValue === 'string' && sessionIdPattern.test(headerValue)) return identity(headerValue, 'header');
  const fromMetadata = sessionFromUserId(body && readUserId(body));
  if (fromMetadata) return identity(fromMetadata, 'metadata');
  return identity(promptPrefixHash(body), 'prompt-hash');
}

function readUserId(body: ScannedBody): string | undefined {
  const range = body.fields.userId;
  if (!range || range.end - range.start > maxUserIdBytes) return undefined;
  return decodeString(body.raw, range);
}

/** The session id inside a `metadata.user_id` value, in either of its two known forms. */
export function sessionFromUserId(userId: string | undefined): string | undefined {
  if (!userId || userId.length > maxUserIdBytes) return undefined;
  if (userId.startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(userId);
      const sessionId =
        typeof parsed === 'object' && parsed !== null ? (parsed as { session_id?: unknown }).session_id : undefined;
      return typeof sessionId === 'string' && sessionIdPattern.test(sessionId) ? sessionId : undefined;
    } catch {
      return undefined;
    }
  }
  return legacyUserIdSession.exec(userId)?.[1];
}

/**
 * A hash of the raw bytes of the prompt prefix's text strings (cache_control and other fields do not count): each
 * `system` text and then a `\u0001`, each first-message text, every text followed by a `\u0000`. They are copied
 * into one buffer and hashed in one call, which for a short prompt costs half of an incremental hash.
 */
function promptPrefixHash(body: ScannedBody | undefined): string {
  let prefix = emptyPrefix;
  if (body) {
    const { systemTexts, firstMessageTexts } = body.fields;
    let length = 1;
    for (const range of systemTexts) length += range.end - range.start + 1;
    for (const range of firstMessageTexts) length += range.end - range.start + 1;
    prefix = Buffer.allocUnsafe(length);
    const at = copyRanges(body.raw, systemTexts, prefix, 0);
    prefix[at] = 0x01;
    copyRanges(body.raw, firstMessageTexts, prefix, at + 1);
  }
  return `prompt-${hash('sha256', prefix, 'hex').slice(0, 32)}`;
}

const emptyPrefix = Buffer.alloc(0);

/** Copies each range of `raw` into `target` from `at`, each followed by a zero byte; returns the end. */
function copyRanges(raw: Buffer, ranges: StringRange[], target: Buffer, at: number): number {
  let end = at;
  for (const range of ranges) {
    end += raw.copy(target, end, range.start, range.end);
    target[end] = 0x00;
    end += 1;
  }
  return end;
}
