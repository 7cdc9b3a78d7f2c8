import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  formatServerSentEvent,
  parseServerSentEvents,
  parseServerSentEventText,
  ServerSentEventParser,
} from './server-sent-events.js';

describe('server-sent events', () => {
  it('parses what it formats', () => {
    const text = formatServerSentEvent('message_start', { type: 'message_start' }) + formatServerSentEvent('ping', {});
    expect(parseServerSentEventText(text)).toEqual([
      { event: 'message_start', data: '{"type":"message_start"}' },
      { event: 'ping', data: '{}' },
    ]);
  });

  it('follows the WHATWG rules: CRLF and CR line ends, comments, multi-line data, ids, no dispatch without data', () => {
    const text = ': keep-alive\r\nevent: a\r\ndata: one\r\ndata: two\r\nid: 7\r\n\r\nevent: empty\n\ndata:no-space\r\r';
    expect(parseServerSentEventText(text)).toEqual([
      { event: 'a', data: 'one\ntwo', id: '7' },
      { event: 'message', data: 'no-space', id: '7' },
    ]);
  });

  it('assembles events split anywhere, a CRLF across two chunks included', () => {
    const parser = new ServerSentEventParser();
    expect(parser.push('event: x\r')).toEqual([]);
    expect(parser.push('\ndata: {"a"')).toEqual([]);
    expect(parser.push(':1}\r')).toEqual([]);
    expect(parser.push('\n\r\n')).toEqual([{ event: 'x', data: '{"a":1}' }]);
    expect(parser.end()).toEqual([]);
  });

  it('drops an event whose blank line never came', () => {
    const parser = new ServerSentEventParser();
    expect(parser.push('event: cut\ndata: half')).toEqual([]);
    expect(parser.end()).toEqual([]);
  });

  it('parses a byte stream whose chunks split a multi-byte character', async () => {
    const bytes = Buffer.from(formatServerSentEvent('content_block_delta', { text: 'héllo 👋' }));
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    const events = [];
    for await (const event of parseServerSentEvents(Readable.from(chunks))) events.push(event);
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]?.data ?? '')).toEqual({ text: 'héllo 👋' });
  });
});
