const lineFeed = 0x0a;
const carriageReturn = 0x0d;
const emptyBuffer = Buffer.alloc(0);

/**
 * Receives each complete event: its bytes are `buffer[start, end)`, without the blank line that ended it;
 * `firstLineEnd` is the position of the line feed that ends its first line, found on the way (-1 when the event
 * came in pieces). Returning `false` rejects the event: framing stops, and `push` returns only the bytes before it.
 */
export type EventSink = (buffer: Buffer, start: number, end: number, firstLineEnd: number) => boolean | undefined;

/**
 * Cuts an SSE byte stream into whole events (an event ends with a blank line: `\n\n` or `\r\n\r\n`) as the
 * chunks arrive, in one pass: each byte is looked at once, and an event split across chunks is joined once,
 * when its end arrives. `push` returns the bytes of the events it completed, ready to be forwarded whole, so
 * that a reader downstream never sees half an event; the bytes of an unfinished event are held.
 */
export class SseEventFramer {
  /** Events completed so far. */
  events = 0;
  /** Bytes of the unfinished event, held until its blank line arrives. */
  heldBytes = 0;
  /** True once the sink rejected an event: nothing more is framed. */
  rejected = false;
  readonly #sink: EventSink;
  readonly #maximumEventBytes: number;
  #held: Buffer[] = [];
  // The line being read when the last chunk ended: its length so far, and its last byte.
  #carriedLineLength = 0;
  #carriedLastByte = -1;

  constructor(sink: EventSink, options: { maximumEventBytes?: number } = {}) {
    this.#sink = sink;
    this.#maximumEventBytes = options.maximumEventBytes ?? 1024 * 1024;
  }

  /**
   * Feeds the next chunk; returns the bytes of the events it completed (empty when none did), or `undefined`
   * when the unfinished event grew past the size limit: the stream cannot be framed.
   */
  push(chunk: Buffer): Buffer | undefined {
    if (this.rejected) return emptyBuffer;
    let lineStart = 0;
    // Where the current event starts in `chunk`; when events are held, it started in an earlier chunk.
    let eventStart = 0;
    let readyEnd = 0;
    let joined: Buffer | undefined;
    let joinedChunkEnd = 0;
    // Where the first line of the event that starts in this chunk ends, once seen.
    let firstLineEnd = -1;
    let lineFeedAt = chunk.indexOf(lineFeed, 0);
    while (lineFeedAt !== -1) {
      const lineLength = this.#carriedLineLength + (lineFeedAt - lineStart);
      const lastByte = lineFeedAt > lineStart ? chunk[lineFeedAt - 1] : this.#carriedLastByte;
      this.#carriedLineLength = 0;
      this.#carriedLastByte = -1;
      const blank = lineLength === 0 || (lineLength === 1 && lastByte === carriageReturn);
      const blankStart = lineFeedAt - lineLength;
      lineStart = lineFeedAt + 1;
      if (blank) {
        if (this.#held.length > 0) {
          // The event began in an earlier chunk: join it once, now that it is whole.
          this.#held.push(chunk.subarray(0, lineStart));
          joined = Buffer.concat(this.#held, this.heldBytes + lineStart);
          joinedChunkEnd = lineStart;
          this.#held = [];
          const offset = this.heldBytes;
          this.heldBytes = 0;
          if (blankStart + offset > 0 && !this.#emit(joined, 0, blankStart + offset, -1)) return emptyBuffer;
        } else if (blankStart > eventStart && !this.#emit(chunk, eventStart, blankStart, firstLineEnd)) {
          // Ready: what came before the rejected event.
          if (!joined) return chunk.subarray(0, eventStart);
          return eventStart > joinedChunkEnd
            ? Buffer.concat([joined, chunk.subarray(joinedChunkEnd, eventStart)])
            : joined;
        }
        eventStart = lineStart;
        readyEnd = lineStart;
        firstLineEnd = -1;
      } else if (firstLineEnd === -1 && blankStart === eventStart && this.#held.length === 0) {
        firstLineEnd = lineFeedAt;
      }
      // A blank line right after is the common case (the end of an event), and a chunk often ends with an
      // event: no search needed for either.
      lineFeedAt =
        chunk[lineStart] === lineFeed ? lineStart : lineStart < chunk.length ? chunk.indexOf(lineFeed, lineStart) : -1;
    }
    if (lineStart < chunk.length) {
      this.#carriedLineLength += chunk.length - lineStart;
      this.#carriedLastByte = chunk[chunk.length - 1] as number;
    }
    if (eventStart < chunk.length) {
      this.#held.push(eventStart === 0 ? chunk : chunk.subarray(eventStart));
      this.heldBytes += chunk.length - eventStart;
      if (this.heldBytes > this.#maximumEventBytes) return undefined;
    }
    if (joined) {
      // Ready: the joined event, then the whole events of this chunk after it.
      return readyEnd > joinedChunkEnd ? Buffer.concat([joined, chunk.subarray(joinedChunkEnd, readyEnd)]) : joined;
    }
    // The usual case, a chunk of whole events, costs no new view.
    return readyEnd === chunk.length ? chunk : chunk.subarray(0, readyEnd);
  }

  #emit(buffer: Buffer, start: number, end: number, firstLineEnd: number): boolean {
    if (this.#sink(buffer, start, end, firstLineEnd) === false) {
      this.rejected = true;
      this.#held = [];
      this.heldBytes = 0;
      return false;
    }
    this.events += 1;
    return true;
  }
}
