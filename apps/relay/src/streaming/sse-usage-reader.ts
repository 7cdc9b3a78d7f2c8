import { StringDecoder } from 'node:string_decoder';
import { applyApiUsage, emptyUsage, type TokenUsage } from './token-usage.js';

// Events larger than this without a boundary are not ours to read (a malformed stream); drop the copy.
const maximumPendingCharacters = 1024 * 1024;

/**
 * Reads token usage from a copy of an SSE stream as it passes: `message_start` (input and cache tokens),
 * `message_delta` (cumulative output tokens) and `error`. Only those events are parsed; the many
 * `content_block_delta` events are skipped by a prefix check, so the cost stays a scan for boundaries.
 */
export class SseUsageReader {
  readonly usage: TokenUsage = emptyUsage();
  /** The `error` event's type, when the upstream sent one inside the stream. */
  errorType: string | undefined;
  /** True once `message_stop` passed: the stream finished as the API intends. */
  completed = false;
  readonly #decoder = new StringDecoder('utf8');
  #pending = '';

  /** Feeds the next chunk of the stream. */
  push(chunk: Buffer): void {
    this.#pending += this.#decoder.write(chunk);
    let boundary = this.#nextBoundary();
    while (boundary !== -1) {
      this.#readEvent(this.#pending.slice(0, boundary));
      this.#pending = this.#pending.slice(boundary + (this.#pending.startsWith('\r\n\r\n', boundary) ? 4 : 2));
      boundary = this.#nextBoundary();
    }
    if (this.#pending.length > maximumPendingCharacters) this.#pending = '';
  }

  #nextBoundary(): number {
    const lf = this.#pending.indexOf('\n\n');
    const crlf = lf === -1 ? this.#pending.indexOf('\r\n\r\n') : -1;
    return lf !== -1 ? lf : crlf;
  }

  #readEvent(block: string): void {
    // `event: <name>` comes first in the API's events; only three names matter here.
    const name = eventName(block);
    if (name === 'message_stop') {
      this.completed = true;
      return;
    }
    if (name !== 'message_start' && name !== 'message_delta' && name !== 'error') return;
    const data = eventData(block);
    if (!data) return;
    let payload: {
      message?: { usage?: Record<string, unknown> };
      usage?: Record<string, unknown>;
      error?: { type?: unknown };
    };
    try {
      payload = JSON.parse(data);
    } catch {
      return;
    }
    if (name === 'message_start') applyApiUsage(this.usage, payload.message?.usage);
    else if (name === 'message_delta') applyApiUsage(this.usage, payload.usage);
    else this.errorType = typeof payload.error?.type === 'string' ? payload.error.type : 'api_error';
  }
}

function eventName(block: string): string | undefined {
  const start = block.indexOf('event:');
  if (start === -1) return undefined;
  const end = block.indexOf('\n', start);
  return block.slice(start + 6, end === -1 ? undefined : end).trim();
}

function eventData(block: string): string | undefined {
  const lines = block.split(/\r?\n/).filter((line) => line.startsWith('data:'));
  if (lines.length === 0) return undefined;
  return lines.map((line) => line.slice(line.startsWith('data: ') ? 6 : 5)).join('\n');
}
