import { afterEach, describe, expect, it } from 'vitest';
import { messageBody, postJson } from './__fixtures__/api-request.js';
import { InvalidFaultError } from './errors.js';
import type { Fault } from './fault.js';
import { createMockAnthropic, type MockAnthropic } from './mock-anthropic.js';
import { parseServerSentEventText } from './server-sent-events.js';

const started: MockAnthropic[] = [];
async function startMock(): Promise<MockAnthropic> {
  const mock = await createMockAnthropic({ deltas: 3 });
  started.push(mock);
  return mock;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((mock) => mock.close()));
});

const names = (text: string) => parseServerSentEventText(text).map((event) => event.event);
const complete = [
  'message_start',
  'content_block_start',
  'ping',
  'content_block_delta',
  'content_block_delta',
  'content_block_delta',
  'content_block_stop',
  'message_delta',
  'message_stop',
];

describe('stream faults', () => {
  it('slow-first-event: sends the head at once and the first event after delayMs', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'slow-first-event', delayMs: 300 });
    const sent = performance.now();
    const response = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify(messageBody({ stream: true })),
    });
    // The head is here while the body is still being held back.
    expect(response.status).toBe(200);
    expect(mock.received[0]?.completed).toBe(false);
    const text = await response.text();
    expect(performance.now() - sent).toBeGreaterThanOrEqual(290);
    expect(names(text)).toEqual(complete);
  });

  it('truncate: ends the stream cleanly after afterEvents events, without message_stop', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'truncate', afterEvents: 4 });
    const response = await postJson(`${mock.url}/v1/messages`, messageBody({ stream: true }));
    expect(response.status).toBe(200);
    expect(names(response.text)).toEqual(complete.slice(0, 4));
  });

  it('truncate: sends half a JSON body, without content-length', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'truncate', afterEvents: 1 });
    const response = await postJson(`${mock.url}/v1/messages`, messageBody());
    expect(response.status).toBe(200);
    expect(() => JSON.parse(response.text)).toThrow();
  });

  it('malformed-event: puts one broken event among the others, by default a cut-off delta', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'malformed-event', afterEvents: 4 });
    mock.fault({ kind: 'malformed-event', afterEvents: 7, data: 'event: message_delta\ndata: null\n\n' });
    const first = await postJson(`${mock.url}/v1/messages`, messageBody({ stream: true }));
    const events = parseServerSentEventText(first.text);
    expect(events.map((event) => event.event)).toEqual([
      ...complete.slice(0, 4),
      'content_block_delta',
      ...complete.slice(4),
    ]);
    expect(() => JSON.parse(events[4]?.data ?? '')).toThrow();
    const second = await postJson(`${mock.url}/v1/messages`, messageBody({ stream: true }));
    expect(parseServerSentEventText(second.text)[7]).toEqual({ event: 'message_delta', data: 'null' });
  });

  it('stream-error with afterEvents 0: the error event comes first', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'stream-error', afterEvents: 0 });
    const response = await postJson(`${mock.url}/v1/messages`, messageBody({ stream: true }));
    expect(response.status).toBe(200);
    expect(names(response.text)).toEqual(['error']);
  });

  it('adds a fault’s headers to the stream it cuts', async () => {
    const mock = await startMock();
    mock.fault({ kind: 'truncate', afterEvents: 2, headers: { 'x-extra': 'yes' } });
    const response = await fetch(`${mock.url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'sk-test', 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: JSON.stringify(messageBody({ stream: true })),
    });
    expect(response.headers.get('x-extra')).toBe('yes');
    await response.text();
  });

  it.each([
    [{ kind: 'slow-first-event' }, /fault\.delayMs/],
    [{ kind: 'slow-first-event', delayMs: -1 }, /fault\.delayMs/],
    [{ kind: 'truncate' }, /fault\.afterEvents/],
    [{ kind: 'malformed-event', afterEvents: 1, data: '' }, /fault\.data/],
    [{ kind: 'truncate', afterEvents: 1, headers: { a: 1 } }, /fault\.headers/],
  ])('rejects %j', async (fault, field) => {
    const mock = await startMock();
    expect(() => mock.fault(fault as unknown as Fault)).toThrow(InvalidFaultError);
    expect(() => mock.fault(fault as unknown as Fault)).toThrow(field);
  });
});
