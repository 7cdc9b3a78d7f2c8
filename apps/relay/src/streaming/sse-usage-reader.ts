import { SseEventFramer } from './sse-event-framer.js';
import { applyApiUsage, emptyUsage, type TokenUsage } from './token-usage.js';

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
const modelKey = Buffer.from('"model":"');
const quote = 0x22;
const backslash = 0x5c;
// Longer than any model id the API has: a longer value is not read as one.
const longestModel = 128;
const lineFeed = 0x0a;
const carriageReturn = 0x0d;
// The interesting names as bytes, for a check without a string (the usual spelling: the name, then the line end).
const interestingNameBytes = [...interestingEvents].map((name) => ({ name, bytes: Buffer.from(name, 'latin1') }));

/** The interesting event named at `nameStart` when it is spelled exactly so (then `\n` or `\r\n`), else undefined. */
function exactName(buffer: Buffer, nameStart: number, end: number): string | undefined {
  candidates: for (const { name, bytes } of interestingNameBytes) {
    const after = nameStart + bytes.length;
    if (after >= end) continue;
    for (let index = 0; index < bytes.length; index += 1)
      if (buffer[nameStart + index] !== bytes[index]) continue candidates;
    const next = buffer[after];
    if (next === lineFeed || (next === carriageReturn && buffer[after + 1] === lineFeed)) return name;
  }
  return undefined;
}

/** True when `buffer` holds `prefix` at `at` (a byte loop: cheaper than a native compare for a few bytes). */
function hasPrefix(buffer: Buffer, at: number, prefix: Buffer): boolean {
  for (let index = 0; index < prefix.length; index += 1) if (buffer[at + index] !== prefix[index]) return false;
  return true;
}

/**
 * Reads token usage from the events of an SSE stream as they pass: `message_start` (input and cache tokens),
 * `message_delta` (cumulative output tokens), `message_stop` and `error`; and the answering model from
 * `message_start`. It is given whole events by an
 * `SseEventFramer` (the forwarder's, so the stream is framed once), or frames chunks itself with `push`.
 * Only those four events are decoded, and of them only the usage object is parsed when it can be cut out,
 * so the many `content_block_delta` events cost a name check. A side channel: it never throws, whatever
 * the bytes.
 */
export class SseUsageReader {
  readonly usage: TokenUsage = emptyUsage();
  /** The `error` event's type, when the upstream sent one inside the stream. */
  errorType: string | undefined;
  /** True once `message_stop` passed: the stream finished as the API intends. */
  completed = false;
  #framer: SseEventFramer | undefined;

  /** Frames and reads the next chunk of the stream (for callers without a framer of their own). */
  push(chunk: Buffer): void {
    this.#framer ??= new SseEventFramer((buffer, start, end) => {
      this.readEvent(buffer, start, end);
      return true;
    });
    if (this.#framer.push(chunk) === undefined) this.#framer = undefined;
  }

  /** Reads one whole event, `buffer[start, end)`. */
  readEvent(buffer: Buffer, start: number, end: number): void {
    const nameStart = start + eventPrefix.length;
    // The interesting names start with "m" or "e": most events (content_block_delta, ping) stop at this byte.
    const initial = buffer[nameStart];
    if (initial !== letterM && initial !== letterE) return;
    if (nameStart > end || !hasPrefix(buffer, start, eventPrefix)) return;
    // The name as the API spells it is matched on the bytes; any other spelling (trailing blanks) the slow way.
    let name = exactName(buffer, nameStart, end);
    if (name === undefined) {
      const nameEnd = Math.min(end, nameStart + longestInterestingName + 1);
      name = buffer.toString('latin1', nameStart, nameEnd).split(/\r?\n/, 1)[0]?.trim() ?? '';
      if (!interestingEvents.has(name)) return;
    }
    if (name === 'message_stop') {
      this.completed = true;
      return;
    }
    if (name !== 'error') {
      // Only the usage object (and the model) matter: cut them out of the bytes and parse those alone (the cheap path).
      const usage = usageObject(buffer, start, end);
      if (usage) {
        if (name === 'message_start') this.usage.model = modelValue(buffer, start, end) ?? this.usage.model;
        applyApiUsage(this.usage, usage);
        return;
      }
    }
    if (name === 'error') this.errorType = 'api_error';
    const payload = parsedData(buffer.toString('utf8', start, end));
    if (!payload) return;
    if (name === 'message_start') {
      const message = objectAt(payload, 'message');
      if (typeof message?.model === 'string' && message.model.length > 0) this.usage.model = message.model;
      applyApiUsage(this.usage, objectAt(message, 'usage'));
    } else if (name === 'message_delta') applyApiUsage(this.usage, objectAt(payload, 'usage'));
    else {
      const type = objectAt(payload, 'error')?.type;
      if (typeof type === 'string') this.errorType = type;
    }
  }
}

/** The first `"usage":{...}` object between `start` and `end`, parsed; undefined when it cannot be cut out cleanly. */
function usageObject(buffer: Buffer, start: number, end: number): Record<string, unknown> | undefined {
  // Searched within the event only: the buffer may hold many more events after it.
  const found = buffer.subarray(start, end).indexOf(usageKey);
  if (found === -1) return undefined;
  const keyAt = start + found;
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
          const value: unknown = JSON.parse(buffer.toString('latin1', objectStart, cursor + 1));
          return isObject(value) ? value : undefined;
        } catch {
          return undefined;
        }
      }
    }
  }
  return undefined;
}

/** The first `"model":"..."` string between `start` and `end`; undefined when there is none or it holds escapes. */
function modelValue(buffer: Buffer, start: number, end: number): string | undefined {
  const found = buffer.subarray(start, end).indexOf(modelKey);
  if (found === -1) return undefined;
  const valueStart = start + found + modelKey.length;
  const limit = Math.min(end, valueStart + longestModel + 1);
  for (let cursor = valueStart; cursor < limit; cursor += 1) {
    const byte = buffer[cursor];
    if (byte === backslash) return undefined;
    if (byte === quote) return cursor > valueStart ? buffer.toString('latin1', valueStart, cursor) : undefined;
  }
  return undefined;
}

/** The event's data parsed, when it is a JSON object; undefined for anything else (`null`, a number, bad JSON). */
function parsedData(block: string): Record<string, unknown> | undefined {
  const lines = block.split(/\r?\n/).filter((line) => line.startsWith('data:'));
  if (lines.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(lines.map((line) => line.slice(line.startsWith('data: ') ? 6 : 5)).join('\n'));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function objectAt(value: Record<string, unknown> | undefined, key: string): Record<string, unknown> | undefined {
  const inner = value?.[key];
  return isObject(inner) ? inner : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
