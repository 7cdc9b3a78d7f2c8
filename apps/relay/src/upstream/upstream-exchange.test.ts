import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { Dispatcher } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FirstEventTimeoutError } from './stream-errors.js';
import { UpstreamExchange } from './upstream-exchange.js';

/** A dispatch controller as undici hands one to its handlers: records pause/resume/abort, calls back on abort. */
class FakeController implements Dispatcher.DispatchController {
  paused = false;
  aborted = false;
  reason: Error | null = null;
  constructor(readonly exchange: UpstreamExchange) {}
  abort(reason: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    // undici reports an abort to the handler as the request's error.
    queueMicrotask(() => this.exchange.onResponseError(this, reason));
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
}

/** A client response that takes writes until `capacity` chunks, then reports a full socket until `drain()`. */
class FakeResponse extends EventEmitter {
  readonly written: string[] = [];
  destroyed = false;
  constructor(private capacity = Number.POSITIVE_INFINITY) {
    super();
  }
  write(chunk: Buffer | string): boolean {
    this.written.push(chunk.toString());
    return this.written.length < this.capacity;
  }
  drain(): void {
    this.capacity = Number.POSITIVE_INFINITY;
    this.emit('drain');
  }
  get text(): string {
    return this.written.join('');
  }
}

const timeouts = { firstEventMs: 1_000, idleMs: 5_000, writeStallMs: 3_000 };
const sse = { 'content-type': 'text/event-stream; charset=utf-8' };
const event = (name: string, data: object = { type: name }) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
const start = event('message_start', { type: 'message_start', message: { usage: { input_tokens: 5 } } });
const delta = event('content_block_delta', { type: 'content_block_delta', delta: { text: 'hi' } });
const stop = event('message_stop');

function open(statusCode = 200, headers: Record<string, string> = sse) {
  const exchange = new UpstreamExchange(timeouts);
  const controller = new FakeController(exchange);
  exchange.onRequestStart(controller);
  exchange.onResponseStart(controller, statusCode, headers);
  return { exchange, controller };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('UpstreamExchange', () => {
  it('opens on the first whole event, holds it, then relays the rest and reads usage from the same framing', async () => {
    const { exchange, controller } = open();
    exchange.onResponseData(controller, Buffer.from(start.slice(0, 10)));
    exchange.onResponseData(controller, Buffer.from(start.slice(10) + delta.slice(0, 4)));
    expect(await exchange.opening()).toEqual({ kind: 'event' });
    const response = new FakeResponse();
    const relayed = exchange.relayTo(response as unknown as ServerResponse);
    expect(response.text).toBe(start);
    exchange.onResponseData(controller, Buffer.from(delta.slice(4) + stop));
    exchange.onResponseEnd();
    expect(await relayed).toEqual({ end: 'complete' });
    expect(response.text).toBe(start + delta + stop);
    expect(exchange.usage.input).toBe(5);
  });

  it('holds what comes before the commit without pausing the upstream, up to 64 KiB, then pauses it', async () => {
    const { exchange, controller } = open();
    exchange.onResponseData(controller, Buffer.from(start + delta));
    expect(await exchange.opening()).toEqual({ kind: 'event' });
    expect(controller.paused).toBe(false);
    let held = start.length + delta.length;
    while (held <= 64 * 1024) {
      exchange.onResponseData(controller, Buffer.from(delta));
      held += delta.length;
    }
    expect(controller.paused).toBe(true);
    const response = new FakeResponse();
    const relayed = exchange.relayTo(response as unknown as ServerResponse);
    expect(controller.paused).toBe(false);
    expect(response.text.length).toBe(held);
    exchange.onResponseData(controller, Buffer.from(stop));
    exchange.onResponseEnd();
    expect(await relayed).toEqual({ end: 'complete' });
    expect(response.text.endsWith(delta + stop)).toBe(true);
  });

  it('holds a whole answer that ended before the commit, and relays it at once', async () => {
    const { exchange, controller } = open();
    exchange.onResponseData(controller, Buffer.from(start + delta + stop));
    exchange.onResponseEnd();
    expect(await exchange.opening()).toEqual({ kind: 'event' });
    expect(controller.paused).toBe(false);
    const response = new FakeResponse();
    expect(await exchange.relayTo(response as unknown as ServerResponse)).toEqual({ end: 'complete' });
    expect(response.text).toBe(start + delta + stop);
  });

  it.each([
    ['a clean end without message_stop', [start, delta], 'truncated'],
    ['a clean end inside an event', [start, delta, stop.slice(0, 8)], 'truncated'],
    [
      'an error event mid-stream',
      [start, event('error', { type: 'error', error: { type: 'overloaded_error' } })],
      'error-event',
    ],
  ])('ends %s as %s', async (_name, chunks, end) => {
    const { exchange, controller } = open();
    const response = new FakeResponse();
    exchange.onResponseData(controller, Buffer.from(chunks[0] as string));
    await exchange.opening();
    const relayed = exchange.relayTo(response as unknown as ServerResponse);
    for (const chunk of chunks.slice(1)) exchange.onResponseData(controller, Buffer.from(chunk));
    exchange.onResponseEnd();
    expect((await relayed).end).toBe(end);
    expect(response.text).not.toContain('event: message_stop');
  });

  it('never forwards an event it cannot frame, and aborts the upstream', async () => {
    const { exchange, controller } = open();
    const response = new FakeResponse();
    exchange.onResponseData(controller, Buffer.from(start));
    await exchange.opening();
    const relayed = exchange.relayTo(response as unknown as ServerResponse);
    exchange.onResponseData(controller, Buffer.from(`${delta}event: content_block_delta\ndata: {"ty\n\n${delta}`));
    expect((await relayed).end).toBe('malformed');
    expect(controller.aborted).toBe(true);
    expect(response.text).toBe(start + delta);
  });

  it.each([
    [
      'an error event first',
      event('error', { type: 'error', error: { type: 'overloaded_error' } }),
      { kind: 'error-event', errorType: 'overloaded_error' },
    ],
    ['a malformed first event', 'event: message_start\ndata: null\n\n', { kind: 'failed', end: 'malformed' }],
  ])('does not open on %s', async (_name, first, opening) => {
    const { exchange, controller } = open();
    exchange.onResponseData(controller, Buffer.from(first));
    expect(await exchange.opening()).toEqual(opening);
  });

  it('leaves a missing head to undici, and times the first event from the dispatch once the head came', async () => {
    vi.useFakeTimers();
    const exchange = new UpstreamExchange(timeouts);
    const controller = new FakeController(exchange);
    exchange.onRequestStart(controller);
    vi.advanceTimersByTime(600);
    exchange.onResponseStart(controller, 200, sse);
    vi.advanceTimersByTime(399);
    expect(controller.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(await exchange.opening()).toMatchObject({ kind: 'failed', end: 'first-event-timeout' });
    expect(controller.reason).toBeInstanceOf(FirstEventTimeoutError);
  });

  it('fails an opening whose head came but whose first event did not', async () => {
    vi.useFakeTimers();
    const { exchange, controller } = open();
    vi.advanceTimersByTime(999);
    exchange.onResponseData(controller, Buffer.from(': keep-alive comment'));
    vi.advanceTimersByTime(1);
    expect(await exchange.opening()).toMatchObject({ kind: 'failed', end: 'first-event-timeout' });
    expect(controller.aborted).toBe(true);
  });

  it('does not time a non-stream answer after its head', async () => {
    vi.useFakeTimers();
    const { exchange, controller } = open(200, { 'content-type': 'application/json' });
    vi.advanceTimersByTime(60_000);
    expect(controller.aborted).toBe(false);
    const response = new FakeResponse();
    const relayed = exchange.relayTo(response as unknown as ServerResponse);
    exchange.onResponseData(controller, Buffer.from('{"usage":{"input_tokens":3}}'));
    exchange.onResponseEnd();
    expect(await relayed).toEqual({ end: 'complete' });
    expect(exchange.usage.input).toBe(3);
  });

  it('ends a stream silent past the idle budget as stalled', async () => {
    vi.useFakeTimers();
    const { exchange, controller } = open();
    exchange.onResponseData(controller, Buffer.from(start));
    await exchange.opening();
    const relayed = exchange.relayTo(new FakeResponse() as unknown as ServerResponse);
    vi.advanceTimersByTime(4_000);
    exchange.onResponseData(controller, Buffer.from(delta));
    vi.advanceTimersByTime(4_000);
    expect(controller.aborted).toBe(false);
    vi.advanceTimersByTime(1_001);
    await vi.runAllTimersAsync();
    expect((await relayed).end).toBe('stalled');
  });

  it('does not count a paused upstream as stalled, but gives up on a client that stops reading', async () => {
    vi.useFakeTimers();
    const { exchange, controller } = open();
    exchange.onResponseData(controller, Buffer.from(start));
    await exchange.opening();
    const response = new FakeResponse(1);
    const relayed = exchange.relayTo(response as unknown as ServerResponse);
    expect(controller.paused).toBe(true);
    vi.advanceTimersByTime(2_999);
    response.drain();
    expect(controller.paused).toBe(false);
    vi.advanceTimersByTime(4_999);
    expect(controller.aborted).toBe(false);
    // The client's socket fills up again and stays full.
    (response as unknown as { capacity: number }).capacity = 0;
    exchange.onResponseData(controller, Buffer.from(delta));
    vi.advanceTimersByTime(3_000);
    await vi.runAllTimersAsync();
    expect((await relayed).end).toBe('client-stalled');
    expect(controller.aborted).toBe(true);
  });
});
