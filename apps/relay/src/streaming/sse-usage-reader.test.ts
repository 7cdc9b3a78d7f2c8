import { describe, expect, it } from 'vitest';
import { JsonUsageReader } from './json-usage-reader.js';
import { SseUsageReader } from './sse-usage-reader.js';
import { emptyUsage, type TokenUsage } from './token-usage.js';

const usageOf = (fields: Partial<TokenUsage>): TokenUsage => ({ ...emptyUsage(), ...fields });

const events = [
  'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","usage":{"input_tokens":120,"cache_creation_input_tokens":30,"cache_read_input_tokens":7,"output_tokens":1}}}\n\n',
  'event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n',
  'event: ping\ndata: {"type": "ping"}\n\n',
  'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"héllo ✓"}}\n\n',
  'event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n',
  'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":42}}\n\n',
  'event: message_stop\ndata: {"type":"message_stop"}\n\n',
].join('');

describe('SseUsageReader', () => {
  it('reads usage however the stream is cut into chunks, even inside a multi-byte character', () => {
    const bytes = Buffer.from(events);
    for (const size of [1, 3, 7, 64, bytes.length]) {
      const reader = new SseUsageReader();
      for (let offset = 0; offset < bytes.length; offset += size) reader.push(bytes.subarray(offset, offset + size));
      expect(reader.usage).toEqual(
        usageOf({ input: 120, output: 42, cacheRead: 7, cacheCreation: 30, cacheWrite5m: 30 }),
      );
      expect(reader.completed).toBe(true);
    }
  });

  it('reports an error event sent after the 200, and CRLF-separated events', () => {
    const reader = new SseUsageReader();
    reader.push(
      Buffer.from(
        'event: message_start\r\ndata: {"message":{"usage":{"input_tokens":5}}}\r\n\r\nevent: error\r\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\r\n\r\n',
      ),
    );
    expect(reader.usage.input).toBe(5);
    expect(reader.errorType).toBe('overloaded_error');
    expect(reader.completed).toBe(false);
  });
});

describe('SseUsageReader event names', () => {
  it.each([
    ['the usual spelling', 'event: message_stop\ndata: {"type":"message_stop"}\n\n', true],
    ['CRLF', 'event: message_stop\r\ndata: {"type":"message_stop"}\r\n\r\n', true],
    ['blanks after the name', 'event: message_stop  \ndata: {"type":"message_stop"}\n\n', true],
    ['a name alone, no data line', 'event: message_stop\n\n', true],
    ['a longer name', 'event: message_stopped\ndata: {"type":"message_stop"}\n\n', false],
    ['no space after the colon', 'event:message_stop\ndata: {"type":"message_stop"}\n\n', false],
  ])('%s: message_stop counted is %s', (_name, text, completed) => {
    const reader = new SseUsageReader();
    reader.push(Buffer.from(text));
    expect(reader.completed).toBe(completed);
  });
});

describe('JsonUsageReader', () => {
  it('reads usage from a non-streaming message split into chunks', () => {
    const body = Buffer.from(
      JSON.stringify({
        id: 'msg_1',
        content: [{ type: 'text', text: 'hi' }],
        usage: { input_tokens: 9, output_tokens: 3 },
      }),
    );
    const reader = new JsonUsageReader();
    reader.push(body.subarray(0, 10));
    reader.push(body.subarray(10));
    expect(reader.finish()).toEqual(usageOf({ input: 9, output: 3 }));
  });

  it('gives zeros for a body that is not JSON', () => {
    const reader = new JsonUsageReader();
    reader.push(Buffer.from('<html>bad gateway</html>'));
    expect(reader.finish()).toEqual(emptyUsage());
  });
});

describe('SseUsageReader on the usage object alone', () => {
  it('reads nested usage objects (cache_creation, server_tool_use) and ignores "usage" text elsewhere', () => {
    const reader = new SseUsageReader();
    reader.push(
      Buffer.from(
        'event: message_start\ndata: {"type":"message_start","message":{"id":"msg_1","content":[],"usage":{"input_tokens":11,"cache_creation":{"ephemeral_5m_input_tokens":4},"cache_creation_input_tokens":4,"cache_read_input_tokens":2,"output_tokens":1}}}\n\n' +
          'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"the \\"usage\\":{ word"}}\n\n' +
          'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":9,"server_tool_use":{"web_search_requests":0}}}\n\n',
      ),
    );
    expect(reader.usage).toEqual(
      usageOf({ input: 11, output: 9, cacheRead: 2, cacheCreation: 4, cacheWrite5m: 4, cacheBreakdown: true }),
    );
  });

  it('falls back to the whole event when the data spans several lines', () => {
    const reader = new SseUsageReader();
    reader.push(
      Buffer.from('event: message_delta\ndata: {"type":"message_delta","usage":\ndata: {"output_tokens":7}}\n\n'),
    );
    expect(reader.usage.output).toBe(7);
  });
});

describe('cache writes and the model', () => {
  const start = (message: object) =>
    `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message })}\n\n`;
  const delta = (usage: object) =>
    `event: message_delta\ndata: ${JSON.stringify({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage })}\n\n`;

  it.each([
    {
      name: 'the 5m / 1h breakdown wins over the total',
      events: [
        start({
          id: 'm',
          model: 'claude-opus-4-6',
          content: [],
          usage: {
            input_tokens: 3,
            cache_creation_input_tokens: 300,
            cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 200 },
          },
        }),
        delta({ output_tokens: 8 }),
      ],
      expected: {
        input: 3,
        output: 8,
        cacheCreation: 300,
        cacheWrite5m: 100,
        cacheWrite1h: 200,
        cacheBreakdown: true,
        model: 'claude-opus-4-6',
      },
    },
    {
      name: 'without a breakdown every cache write is a 5-minute one',
      events: [start({ model: 'claude-haiku-4-5', usage: { input_tokens: 1, cache_creation_input_tokens: 40 } })],
      expected: { input: 1, cacheCreation: 40, cacheWrite5m: 40, model: 'claude-haiku-4-5' },
    },
    {
      name: "a later delta's total does not undo the breakdown (cumulative counts, as the API sends them)",
      events: [
        start({
          model: 'claude-sonnet-4-5',
          usage: { cache_creation_input_tokens: 5, cache_creation: { ephemeral_1h_input_tokens: 5 } },
        }),
        delta({ output_tokens: 2, cache_creation_input_tokens: 5 }),
      ],
      expected: {
        output: 2,
        cacheCreation: 5,
        cacheWrite1h: 5,
        cacheBreakdown: true,
        model: 'claude-sonnet-4-5',
      },
    },
    {
      name: 'a model with an escape, or none, is not read; bad counts are ignored',
      events: [start({ model: 'a"b', usage: { input_tokens: -4, output_tokens: 1.5, cache_read_input_tokens: 6 } })],
      expected: { cacheRead: 6 },
    },
  ])('$name', ({ events, expected }) => {
    const reader = new SseUsageReader();
    reader.push(Buffer.from(events.join('')));
    expect(reader.usage).toEqual(usageOf(expected));
  });

  it('reads the model of a stream whose data spans several lines (the full parse)', () => {
    const reader = new SseUsageReader();
    reader.push(
      Buffer.from(
        'event: message_start\ndata: {"type":"message_start","message":{"model":"claude-3-haiku",\ndata: "usage":\ndata: {"input_tokens":2}}}\n\n',
      ),
    );
    expect(reader.usage).toEqual(usageOf({ input: 2, model: 'claude-3-haiku' }));
  });

  it('reads the model and the breakdown of a JSON message', () => {
    const reader = new JsonUsageReader();
    reader.push(
      Buffer.from(
        JSON.stringify({
          model: 'claude-opus-4-1',
          usage: {
            input_tokens: 2,
            output_tokens: 3,
            cache_creation_input_tokens: 7,
            cache_creation: { ephemeral_5m_input_tokens: 3, ephemeral_1h_input_tokens: 4 },
          },
        }),
      ),
    );
    expect(reader.finish()).toEqual(
      usageOf({
        input: 2,
        output: 3,
        cacheCreation: 7,
        cacheWrite5m: 3,
        cacheWrite1h: 4,
        cacheBreakdown: true,
        model: 'claude-opus-4-1',
      }),
    );
  });
});
