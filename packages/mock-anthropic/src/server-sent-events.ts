/** One event of a `text/event-stream`. */
export interface ServerSentEvent {
  /** The `event:` field; `message` when the event has none. */
  event: string;
  /** The `data:` lines, joined with `\n` (JSON for every Anthropic event). */
  data: string;
  /** The `id:` field, when present. */
  id?: string;
}

/** One event in the wire format the Messages API uses: `event: <name>\ndata: <json>\n\n`. */
export function formatServerSentEvent(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/**
 * An incremental `text/event-stream` parser (WHATWG rules: any line ending, comments, multi-line
 * data, events without data are not dispatched); feed it text as it arrives.
 */
export class ServerSentEventParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];
  #id: string | undefined;

  /** Parses `chunk` and returns the events it completed. */
  push(chunk: string): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    const buffer = this.#buffer + chunk;
    let lineStart = 0;
    for (let index = 0; index < buffer.length; index++) {
      const code = buffer.charCodeAt(index);
      if (code !== 10 && code !== 13) continue;
      // A CR at the end of the buffer may be the first half of a CRLF: wait for the next chunk.
      if (code === 13 && index + 1 === buffer.length) break;
      this.#line(buffer.slice(lineStart, index), events);
      if (code === 13 && buffer.charCodeAt(index + 1) === 10) index++;
      lineStart = index + 1;
    }
    this.#buffer = buffer.slice(lineStart);
    return events;
  }

  /** Ends the stream: a lone trailing CR ends its line; an event without its blank line is dropped. */
  end(): ServerSentEvent[] {
    const events: ServerSentEvent[] = [];
    if (this.#buffer.endsWith('\r')) this.#line(this.#buffer.slice(0, -1), events);
    this.#buffer = '';
    this.#event = '';
    this.#data = [];
    return events;
  }

  #line(line: string, events: ServerSentEvent[]): void {
    if (line === '') {
      if (this.#data.length > 0) {
        const event: ServerSentEvent = { event: this.#event || 'message', data: this.#data.join('\n') };
        if (this.#id !== undefined) event.id = this.#id;
        events.push(event);
      }
      this.#event = '';
      this.#data = [];
      return;
    }
    if (line.charCodeAt(0) === 58) return; // ':' starts a comment
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 32) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    else if (field === 'id' && !value.includes('\0')) this.#id = value;
  }
}

/** Parses a whole `text/event-stream` body into its events. */
export function parseServerSentEventText(text: string): ServerSentEvent[] {
  const parser = new ServerSentEventParser();
  return [...parser.push(text), ...parser.end()];
}

/**
 * Parses a `text/event-stream` as it arrives (a Node stream, an undici body, a web `ReadableStream`,
 * any async iterable of bytes or text) and yields its events in order.
 */
export async function* parseServerSentEvents(
  source: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<ServerSentEvent, void, undefined> {
  const parser = new ServerSentEventParser();
  const decoder = new TextDecoder();
  for await (const chunk of source) {
    yield* parser.push(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
  }
  yield* parser.push(decoder.decode());
  yield* parser.end();
}
