import { describe, expect, it } from 'vitest';
import { SseEventFramer } from './sse-event-framer.js';
import { isWellFormedEvent } from './sse-event-shape.js';
import { SseUsageReader } from './sse-usage-reader.js';
import { emptyUsage } from './token-usage.js';

const stream = [
  'event: message_start\ndata: {"type":"message_start","message":{"usage":{"input_tokens":3}}}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"text":"héllo ✓"}}\n\n',
  'event: ping\r\ndata: {"type": "ping"}\r\n\r\n',
  'event: message_stop\ndata: {"type":"message_stop"}\n\n',
];

function frame(chunks: Buffer[]) {
  const events: string[] = [];
  const framer = new SseEventFramer((buffer, start, end) => {
    events.push(buffer.toString('utf8', start, end));
    return !buffer.toString('utf8', start, end).includes('REJECT');
  });
  const forwarded: Buffer[] = [];
  for (const chunk of chunks) {
    const ready = framer.push(chunk);
    if (ready) forwarded.push(ready);
  }
  return { events, forwarded: Buffer.concat(forwarded).toString('utf8'), held: framer.heldBytes, framer };
}

describe('SseEventFramer', () => {
  it("tells the sink where an event's first line ends when it saw it, however the stream is cut", () => {
    const bytes = Buffer.from(`: comment\n\n${stream.join('')}`);
    for (const size of [1, 5, 30, 64, bytes.length]) {
      const seen: { line: string; known: boolean }[] = [];
      const framer = new SseEventFramer((buffer, start, end, firstLineEnd) => {
        const line = buffer.toString('utf8', start, buffer.indexOf(0x0a, start)).replace(/\r$/, '');
        if (firstLineEnd !== -1) {
          // Known: the first line feed of the event, exactly.
          expect(firstLineEnd).toBe(buffer.indexOf(0x0a, start));
          expect(firstLineEnd).toBeLessThan(end);
        }
        seen.push({ line, known: firstLineEnd !== -1 });
        return true;
      });
      for (let offset = 0; offset < bytes.length; offset += size) framer.push(bytes.subarray(offset, offset + size));
      expect(seen.map((event) => event.line)).toEqual([
        ': comment',
        'event: message_start',
        'event: content_block_delta',
        'event: ping',
        'event: message_stop',
      ]);
      // Whole in one chunk, every event's first line is known.
      if (size === bytes.length) expect(seen.every((event) => event.known)).toBe(true);
    }
  });

  it('finds every event, and forwards only whole events, however the stream is cut', () => {
    const bytes = Buffer.from(stream.join(''));
    for (const size of [1, 2, 3, 7, 50, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let offset = 0; offset < bytes.length; offset += size) chunks.push(bytes.subarray(offset, offset + size));
      const { events, forwarded, held } = frame(chunks);
      expect(events.map((event) => event.split(/\r?\n/, 1)[0])).toEqual([
        'event: message_start',
        'event: content_block_delta',
        'event: ping',
        'event: message_stop',
      ]);
      expect(forwarded).toBe(bytes.toString('utf8'));
      expect(held).toBe(0);
    }
  });

  it('holds an unfinished event and never forwards part of it', () => {
    const { forwarded, held, events } = frame([Buffer.from(`${stream[0]}event: content_block_delta\ndata: {"ty`)]);
    expect(forwarded).toBe(stream[0]);
    expect(events).toHaveLength(1);
    expect(held).toBeGreaterThan(0);
  });

  it('stops at a rejected event and forwards only what came before it', () => {
    const bad = 'event: content_block_delta\ndata: REJECT\n\n';
    const [first, second] = stream as [string, string];
    const cuts: string[][] = [[first + bad + second], [first, bad + second], [first + bad.slice(0, 5), bad.slice(5)]];
    for (const chunks of cuts) {
      const result = frame(chunks.map((chunk) => Buffer.from(chunk)));
      expect(result.forwarded).toBe(first);
      expect(result.framer.rejected).toBe(true);
    }
  });

  it('gives up on an event larger than its limit', () => {
    const framer = new SseEventFramer(() => true, { maximumEventBytes: 1000 });
    expect(framer.push(Buffer.alloc(600, 0x61))).toEqual(Buffer.alloc(0));
    expect(framer.push(Buffer.alloc(600, 0x61))).toBeUndefined();
  });

  it('reads a 1 MiB event without a blank line in 512-byte chunks in one pass (each chunk is kept, not rejoined)', () => {
    const framer = new SseEventFramer(() => true, { maximumEventBytes: 2 * 1024 * 1024 });
    const chunk = Buffer.alloc(512, 0x61);
    for (let index = 0; index < 2048; index += 1) framer.push(chunk);
    expect(framer.heldBytes).toBe(1024 * 1024);
    const end = framer.push(Buffer.from('\n\n'));
    expect(end?.length).toBe(1024 * 1024 + 2);
    expect(framer.events).toBe(1);
  });
});

describe('isWellFormedEvent', () => {
  it.each([
    ['event: ping\ndata: {"type": "ping"}', true],
    ['event: message_stop\r\ndata: {"type":"message_stop"}\r\n', true],
    ['event: message_delta\ndata: {"usage":\ndata: {"output_tokens":7}}', true],
    [': a comment', true],
    ['event: message_delta\ndata: null', false],
    ['event: content_block_delta\ndata: {"type":"content_block_delta","delta":{"te', false],
    ['event: content_block_delta', false],
    ['data: {"type":"ping"}', false],
    ['garbage', false],
  ])('%j → %s', (event, expected) => {
    const buffer = Buffer.from(event);
    expect(isWellFormedEvent(buffer, 0, buffer.length)).toBe(expected);
    // The same verdict when the caller says where the first line ends.
    const firstLineEnd = buffer.indexOf(0x0a);
    expect(isWellFormedEvent(buffer, 0, buffer.length, firstLineEnd === -1 ? buffer.length : firstLineEnd)).toBe(
      expected,
    );
  });
});

describe('SseUsageReader never throws', () => {
  it.each([
    'event: message_delta\ndata: null\n\n',
    'event: message_start\ndata: 7\n\n',
    'event: message_start\ndata: {"message":null}\n\n',
    'event: error\ndata: {"error":null}\n\n',
    'event: message_delta\ndata: {"usage":null}\n\n',
    'event: message_delta\ndata: [1,2]\n\n',
  ])('%j', (event) => {
    const reader = new SseUsageReader();
    expect(() => reader.push(Buffer.from(event))).not.toThrow();
    expect(reader.usage).toEqual(emptyUsage());
  });
});
