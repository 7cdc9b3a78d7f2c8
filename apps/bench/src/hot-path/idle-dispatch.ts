import { EventEmitter } from 'node:events';

/** A dispatch controller as undici hands one to a handler, for driving one without a connection. */
export class IdleController {
  paused = false;
  aborted = false;
  reason = null;
  rawHeaders = null;
  rawTrailers = null;
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  abort(): void {
    this.aborted = true;
  }
}

/** A client response whose socket always takes the bytes (never full), for driving a handler without a client. */
export class OpenResponse extends EventEmitter {
  bytes = 0;
  destroyed = false;
  write(chunk: Buffer): boolean {
    this.bytes += chunk.length;
    return true;
  }
}
