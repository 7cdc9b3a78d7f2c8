import { applyApiUsage, emptyUsage, type TokenUsage } from './token-usage.js';

// Events larger than this without a boundary are not ours to read (a malformed stream); drop the copy.
const maximumPendingBytes = 1024 * 1024;
const lineFeed = 0x0a;
const carriageReturn = 0x0d;
// The API's event names that matter here, as the bytes that start their event block.
const eventPrefix = Buffer.from('event: ');
const interestingEvents = new Set(['message_start', 'message_delta', 'message_stop', 'error']);
const longestInterestingName = 'message_start'.length;
const letterM = 0x6d;
const letterE = 0x65;
const openingBrace = 0x7b;
const closingBrace = 0x7d;
const space = 0x20;
const usageKey = Buffer.from('"usage":');

/**
 * Reads token usage from a copy of an SSE stream as it passes: `message_start` (input and cache tokens),
 * `message_delta` (cumulative output tokens), `message_stop` and `error`. It works on the bytes: event
 * boundaries are found by scanning for blank lines, and only those four events are decoded and parsed, so
 * the many `content_block_delta` events cost a scan and a name check.
 */
export class SseUsageReader {
  readonly usage: TokenUsage = emptyUsage();
  /** The `error` event's type, when the upstream sent one inside the stream. */
  errorType: string | undefined;
  /** True once `message_stop` passed: the stream finished as the API intends. */
  completed = false;
  // The start of an event that the previous chunk cut off, if any.
  #pending: Buffer | undefined;

  /** Feeds the next chunk of the stream. */
  push(chunk: Buffer): void {
    const buffer = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk;
    this.#pending = undefined;
    let eventStart = 0;
    let lineEnd = buffer.indexOf(lineFeed, 0);
    while (lineEnd !== -1) {
      // A blank line ends the event: "\n\n" or "\r\n\r\n".
      const next = buffer[lineEnd + 1];
      const blankLineLength =
        next === lineFeed ? 2 : next === carriageReturn && buffer[lineEnd + 2] === lineFeed ? 3 : 0;
      if (blankLineLength > 0) {
        this.#readEvent(buffer, eventStart, lineEnd);
        eventStart = lineEnd + blankLineLength;
      }
      lineEnd = buffer.indexOf(lineFeed, blankLineLength > 0 ? eventStart : lineEnd + 1);
    }
    if (eventStart < buffer.length && buffer.length - eventStart <= maximumPendingBytes) {
      this.#pending = buffer.subarray(eventStart);
    }
  }

  #readEvent(buffer: Buffer, start: number, end: number): void {
    const nameStart = start + eventPrefix.length;
    // The interesting names start with "m" or "e": most events (content_block_delta, ping) stop at this byte.
    const initial = buffer[nameStart];
    if (initial !== letterM && initial !== letterE) return;
    if (buffer.compare(eventPrefix, 0, eventPrefix.length, start, nameStart) !== 0) return;
    const nameEnd = Math.min(end, nameStart + longestInterestingName + 1);
    const name = buffer.toString('latin1', nameStart, nameEnd).split(/\r?\n/, 1)[0]?.trim() ?? '';
    if (!interestingEvents.has(name)) return;
    if (name === 'message_stop') {
      this.completed = true;
      return;
    }
    if (name !== 'error') {
      // Only the usage object matters: cut it out of the bytes and parse that alone (the cheap path).
      const usage = usageObject(buffer, start, end);
      if (usage) {
        applyApiUsage(this.usage, usage);
        return;
      }
    }
    const data = eventData(buffer.toString('utf8', start, end));
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

/** The first `"usage":{...}` object between `start` and `end`, parsed; undefined when it cannot be cut out cleanly. */
function usageObject(buffer: Buffer, start: number, end: number): Record<string, unknown> | undefined {
  const keyAt = buffer.indexOf(usageKey, start);
  if (keyAt === -1 || keyAt >= end) return undefined;
  let objectStart = keyAt + usageKey.length;
  while (buffer[objectStart] === space) objectStart += 1;
  if (buffer[objectStart] !== openingBrace) return undefined;
  let depth = 0;
  for (let cursor = objectStart; cursor < end; cursor += 1) {
    const byte = buffer[cursor];
    if (byte === openingBrace) depth += 1;
    else if (byte === closingBrace) {
      depth -= 1;
      if (depth === 0) {
        try {
          return JSON.parse(buffer.toString('latin1', objectStart, cursor + 1)) as Record<string, unknown>;
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}

function eventData(block: string): string | undefined {
  const lines = block.split(/\r?\n/).filter((line) => line.startsWith('data:'));
  if (lines.length === 0) return undefined;
  return lines.map((line) => line.slice(line.startsWith('data: ') ? 6 : 5)).join('\n');
}
