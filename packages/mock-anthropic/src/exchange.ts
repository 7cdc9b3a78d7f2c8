import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { ReceivedRequest } from './request-recorder.js';
import type { ResponseCut, ResponsePlan } from './response-plan.js';

/** What an exchange tells the mock about how it ended. */
export interface ExchangeListener {
  onCompleted(received: ReceivedRequest): void;
  /** The connection closed before the response was complete, and not because of a reset fault. */
  onClosedEarly(received: ReceivedRequest): void;
}

/**
 * Sends a TCP RST. A TLS socket's own handle cannot reset, so the TCP socket under it (`_parent`,
 * which Node sets for server-side TLS sockets) is reset instead; anything else is destroyed.
 */
function resetConnection(socket: Socket): void {
  const tcp = (socket as Socket & { _parent?: Socket })._parent ?? socket;
  try {
    tcp.resetAndDestroy();
  } catch {
    tcp.destroy();
  }
  socket.destroy();
}

/**
 * One request's response on its way out: time to first byte, the delay between SSE events, and the
 * cuts that faults ask for; it notices a client that goes away before the end.
 */
export class Exchange {
  readonly #response: ServerResponse<IncomingMessage>;
  readonly #received: ReceivedRequest;
  readonly #listener: ExchangeListener;
  readonly #eventDelayMs: number;
  #timer: NodeJS.Timeout | undefined;
  /** A reset fault closed the connection: not the client's abort. */
  #closedByMock = false;

  constructor(
    response: ServerResponse<IncomingMessage>,
    received: ReceivedRequest,
    eventDelayMs: number,
    listener: ExchangeListener,
  ) {
    this.#response = response;
    this.#received = received;
    this.#eventDelayMs = eventDelayMs;
    this.#listener = listener;
    response.once('finish', this.#onFinish);
    response.once('close', this.#onClose);
  }

  /** Sends `plan` after `latencyMs`. */
  deliver(plan: ResponsePlan, latencyMs: number): void {
    if (latencyMs > 0) this.#timer = setTimeout(() => this.#start(plan), latencyMs);
    else this.#start(plan);
  }

  #start(plan: ResponsePlan): void {
    this.#timer = undefined;
    const response = this.#response;
    if (response.destroyed) return;
    const cut = plan.cut;
    if (cut !== undefined && cut.after < 0) {
      if (cut.action === 'reset') this.#reset();
      return;
    }
    this.#received.status = plan.status;
    response.writeHead(plan.status, plan.headers);
    if (plan.firstPartDelayMs !== undefined && plan.firstPartDelayMs > 0) {
      response.flushHeaders();
      const delayed = { ...plan, firstPartDelayMs: 0 };
      this.#timer = setTimeout(() => this.#body(delayed), plan.firstPartDelayMs);
      return;
    }
    this.#body(plan);
  }

  /** Sends the body of `plan`, whose head is written. */
  #body(plan: ResponsePlan): void {
    this.#timer = undefined;
    const response = this.#response;
    if (response.destroyed) return;
    const cut = plan.cut;
    if (cut === undefined && (this.#eventDelayMs === 0 || plan.joined === '')) {
      response.end(plan.joined);
      return;
    }
    const parts = plan.parts();
    if (this.#eventDelayMs === 0) {
      // No delays: everything before the cut goes out in one write.
      this.#cutAfter(parts.slice(0, (cut as ResponseCut).after).join(''), cut as ResponseCut);
      return;
    }
    this.#writePart(parts, 0, cut);
  }

  #writePart(parts: string[], index: number, cut: ResponseCut | undefined): void {
    this.#timer = undefined;
    if (this.#response.destroyed) return;
    if (cut !== undefined && index >= Math.min(cut.after, parts.length)) {
      this.#cutAfter('', cut);
      return;
    }
    if (index >= parts.length) {
      this.#response.end();
      return;
    }
    this.#response.write(parts[index] as string);
    const next = index + 1;
    if (next >= parts.length && cut === undefined) this.#response.end();
    else this.#timer = setTimeout(() => this.#writePart(parts, next, cut), this.#eventDelayMs);
  }

  /** Writes `data` (at least the headers), then applies `cut` once it has reached the socket. */
  #cutAfter(data: string, cut: ResponseCut): void {
    this.#response.write(data, () => {
      if (cut.action === 'reset') this.#reset();
    });
  }

  #reset(): void {
    this.#closedByMock = true;
    const socket = this.#response.socket;
    if (socket) resetConnection(socket);
  }

  #onFinish = (): void => {
    this.#received.completed = true;
    this.#listener.onCompleted(this.#received);
  };

  #onClose = (): void => {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#received.completed || this.#closedByMock) return;
    this.#listener.onClosedEarly(this.#received);
  };
}
