import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ScannedBody, scanBody } from '../http/body-scanner.js';
import { identifySession, sessionFromUserId } from './session-id.js';
import { clientSessionId, clientView, scopedSessionId } from './session-scope.js';

const uuid = '4f6a2c1e-9b7d-4e3a-8c2f-1a2b3c4d5e6f';
const scanned = (document: unknown): ScannedBody => {
  const raw = Buffer.from(typeof document === 'string' ? document : JSON.stringify(document));
  return { raw, fields: scanBody(raw) };
};
const claudeCodeUserId = JSON.stringify({ device_id: 'a'.repeat(64), account_uuid: '', session_id: uuid });

describe('identifySession', () => {
  it.each([
    ['the header first', uuid, { metadata: { user_id: claudeCodeUserId.replace(uuid, 'other') } }, uuid, 'header'],
    ["Claude Code's JSON metadata.user_id", undefined, { metadata: { user_id: claudeCodeUserId } }, uuid, 'metadata'],
    [
      'the older user_id form',
      undefined,
      { metadata: { user_id: `user_${'b'.repeat(64)}_account__session_${uuid}` } },
      uuid,
      'metadata',
    ],
    [
      'a header that is no plausible id',
      'bad id with spaces',
      { metadata: { user_id: claudeCodeUserId } },
      uuid,
      'metadata',
    ],
    ['a header holding the scope separator', 'alice/x', {}, undefined, 'prompt-hash'],
  ] as const)('%s', (_name, header, body, expectedId, source) => {
    const identity = identifySession(header, scanned(body), 'client-a');
    expect(identity.source).toBe(source);
    if (expectedId) expect(identity.clientSessionId).toBe(expectedId);
    expect(identity.id).toBe(`client-a/${identity.clientSessionId}`);
  });

  it('scopes every id by the client: the same header or user_id in two clients are two sessions', () => {
    const body = scanned({ metadata: { user_id: claudeCodeUserId } });
    expect(identifySession(uuid, undefined, 'alice').id).not.toBe(identifySession(uuid, undefined, 'bob').id);
    expect(identifySession(undefined, body, 'alice').id).not.toBe(identifySession(undefined, body, 'bob').id);
    expect(identifySession(undefined, body, 'alice').clientSessionId).toBe(uuid);
  });

  it('falls back to a hash of the stable prompt prefix, per client', () => {
    const first = {
      system: [{ type: 'text', text: 'You are helpful.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hello', cache_control: { type: 'ephemeral' } }] }],
    };
    const later = {
      ...first,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hello' }] },
        { role: 'assistant', content: 'hi' },
      ],
    };
    const a = identifySession(undefined, scanned(first), 'client-a');
    expect(a.source).toBe('prompt-hash');
    expect(identifySession(undefined, scanned(later), 'client-a').id).toBe(a.id);
    expect(identifySession(undefined, scanned(first), 'client-b').id).not.toBe(a.id);
    expect(identifySession(undefined, scanned({ ...first, system: 'other' }), 'client-a').id).not.toBe(a.id);
  });

  it.each([
    ['deeply nested text', { messages: [{ content: [{ type: 'text', text: { a: [[[{ text: 'x' }]]] } }] }] }],
    ['a text that is a number', { system: [{ text: 5 }], messages: [{ content: [{ text: null }] }] }],
    ['messages that are no array', { messages: { 0: { content: 'x' } } }],
    ['a first message that is a string', { messages: ['hello'] }],
    ['a body that is no object', [1, 2, 3]],
    ['a user_id that is an object', { metadata: { user_id: { session_id: uuid } } }],
    ['a user_id that is JSON but no object', { metadata: { user_id: '{"session_id":' } }],
  ])('only strings count: %s gives a prompt hash, never a throw', (_name, body) => {
    expect(identifySession(undefined, scanned(body), 'c').source).toBe('prompt-hash');
  });

  it.each([
    ['a string system and content', { system: 'be brief', messages: [{ role: 'user', content: 'hello' }] }],
    [
      'blocks',
      { system: [{ text: 'a' }, { text: 'b\\u00e9' }], messages: [{ content: [{ text: 'x' }, { text: 'y' }] }] },
    ],
    ['no texts at all', { model: 'm' }],
  ])('keeps the prompt-hash id of earlier versions (%s): stored sessions keep their affinity', (_name, body) => {
    // The id as earlier versions computed it: an incremental SHA-256 of the same bytes.
    const { raw, fields } = scanned(body);
    const reference = createHash('sha256');
    for (const range of fields.systemTexts) reference.update(raw.subarray(range.start, range.end)).update('\u0000');
    reference.update('\u0001');
    for (const range of fields.firstMessageTexts)
      reference.update(raw.subarray(range.start, range.end)).update('\u0000');
    const expected = scopedSessionId('c', `prompt-${reference.digest('hex').slice(0, 32)}`);
    expect(identifySession(undefined, { raw, fields }, 'c').id).toBe(expected);
  });

  it('does not decode or parse a user_id longer than Claude Code sends', () => {
    const huge = `{"session_id":"${uuid}","pad":"${'x'.repeat(2_000)}"}`;
    expect(identifySession(undefined, scanned({ metadata: { user_id: huge } }), 'c').source).toBe('prompt-hash');
  });

  it.each([['{not json'], ['user_abc'], ['null'], [''], [undefined]])('sessionFromUserId(%j) is undefined', (value) => {
    expect(sessionFromUserId(value)).toBeUndefined();
  });
});

describe('session scope', () => {
  it.each([
    ['alice', uuid],
    ['team/alice', uuid],
    ['odd {client} id', 'prompt-0123'],
  ])('client %j and session %j: the client id comes back', (clientId, sessionId) => {
    const scoped = scopedSessionId(clientId, sessionId);
    expect(clientSessionId(scoped)).toBe(sessionId);
    expect(clientView({ id: scoped, requestCount: 3 })).toEqual({ id: sessionId, requestCount: 3 });
  });

  it('two clients whose ids differ by a separator still get two scopes', () => {
    expect(scopedSessionId('a', 'b:c')).not.toBe(scopedSessionId('a:b', 'c'));
  });
});
