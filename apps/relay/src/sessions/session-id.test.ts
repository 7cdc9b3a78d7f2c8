import { describe, expect, it } from 'vitest';
import { identifySession, sessionFromUserId } from './session-id.js';

const uuid = '4f6a2c1e-9b7d-4e3a-8c2f-1a2b3c4d5e6f';

describe('identifySession', () => {
  it('prefers the x-claude-code-session-id header', () => {
    expect(identifySession(uuid, { metadata: { user_id: 'x' } }, 'client')).toEqual({ id: uuid, source: 'header' });
  });

  it("reads Claude Code's JSON metadata.user_id and the older user_..._session_<uuid> form", () => {
    const json = JSON.stringify({ device_id: 'a'.repeat(64), account_uuid: '', session_id: uuid });
    expect(identifySession(undefined, { metadata: { user_id: json } }, 'c')).toEqual({ id: uuid, source: 'metadata' });
    const legacy = `user_${'b'.repeat(64)}_account__session_${uuid}`;
    expect(sessionFromUserId(legacy)).toBe(uuid);
  });

  it('falls back to a hash of the stable prompt prefix, per client', () => {
    const first = {
      system: [{ type: 'text', text: 'You are helpful.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: 'hello' }],
    };
    const later = { ...first, messages: [...first.messages, { role: 'assistant', content: 'hi' }] };
    const a = identifySession(undefined, first, 'client-a');
    expect(a.source).toBe('prompt-hash');
    expect(identifySession(undefined, later, 'client-a').id).toBe(a.id);
    expect(identifySession(undefined, first, 'client-b').id).not.toBe(a.id);
    expect(identifySession(undefined, { ...first, system: 'other' }, 'client-a').id).not.toBe(a.id);
  });

  it('ignores a header that is not a plausible id and a malformed user_id', () => {
    expect(identifySession('bad id with spaces', {}, 'c').source).toBe('prompt-hash');
    expect(sessionFromUserId('{not json')).toBeUndefined();
    expect(sessionFromUserId('user_abc')).toBeUndefined();
  });
});
