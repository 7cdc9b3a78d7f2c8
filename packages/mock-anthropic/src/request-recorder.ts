import type { IncomingHttpHeaders } from 'node:http';
import type { Fault } from './fault.js';

/** What the mock received in one request, and what became of its response. */
export interface ReceivedRequest {
  /** The `request-id` the mock answered (or would have answered) with. */
  id: string;
  method: string;
  /** The path without the query, e.g. `/v1/messages`. */
  path: string;
  /** The query string's parameters, e.g. `beta=true`. */
  query: URLSearchParams;
  /** The headers as Node parsed them (lower-case names). */
  headers: IncomingHttpHeaders;
  /** The raw body. */
  body: Buffer;
  /** The body parsed as JSON; `undefined` when it is empty or not JSON. */
  json: unknown;
  /** The key from `x-api-key`, else the token from `Authorization: Bearer`. */
  apiKey: string | undefined;
  /** When the whole body had arrived (ms since the epoch). */
  time: number;
  /** The scripted fault applied to this request, if any. */
  fault: Fault | undefined;
  /** The status the mock sent; `undefined` while (or if) no headers were sent. */
  status: number | undefined;
  /** The whole response was sent. */
  completed: boolean;
  /** The client went away before the response was complete (not set when a fault closed the connection). */
  aborted: boolean;
}

/** The last `capacity` received requests, oldest first, in a ring buffer that never grows past it. */
export class RequestRecorder {
  readonly capacity: number;
  #entries: (ReceivedRequest | undefined)[];
  #next = 0;
  #size = 0;

  constructor(capacity: number) {
    this.capacity = capacity;
    this.#entries = new Array(capacity);
  }

  /** Keeps `request`, dropping the oldest one when full. */
  add(request: ReceivedRequest): void {
    if (this.capacity === 0) return;
    this.#entries[this.#next] = request;
    this.#next = (this.#next + 1) % this.capacity;
    if (this.#size < this.capacity) this.#size++;
  }

  /** The kept requests, oldest first. */
  list(): ReceivedRequest[] {
    const list: ReceivedRequest[] = [];
    const start = (this.#next - this.#size + this.capacity) % Math.max(1, this.capacity);
    for (let offset = 0; offset < this.#size; offset++) {
      list.push(this.#entries[(start + offset) % this.capacity] as ReceivedRequest);
    }
    return list;
  }

  /** Forgets every kept request. */
  clear(): void {
    this.#entries = new Array(this.capacity);
    this.#next = 0;
    this.#size = 0;
  }
}
