import type { Socket } from 'node:net';
import { openSocket, type SocketConnector } from './socket-connector.js';

/** What one `fill` achieved. */
export interface FillResult {
  opened: number;
  errors: Error[];
}

/**
 * Sockets opened ahead of traffic (TCP + tunnel + TLS done) for one key, waiting to be handed to undici through the
 * pool's `connect` hook. undici opens connections only for queued requests; this reserve is how a pool gets
 * connections before its first request, and how `connections.min` stay open once undici's idle ones time out.
 */
export class WarmSocketReserve {
  readonly #connector: SocketConnector;
  readonly #url: URL;
  readonly #onLost: () => void;
  readonly #sockets = new Set<Socket>();
  #opening = 0;
  #closed = false;

  /** `onLost` runs when a reserved socket dies before use (the server closed it, an error). */
  constructor(connector: SocketConnector, url: URL, onLost: () => void) {
    this.#connector = connector;
    this.#url = url;
    this.#onLost = onLost;
  }

  /** Sockets held, ready. */
  get size(): number {
    return this.#sockets.size;
  }

  /** Sockets being opened. */
  get opening(): number {
    return this.#opening;
  }

  /** Hands out a live reserved socket (removing it from the reserve), or undefined. */
  take(): Socket | undefined {
    for (const socket of this.#sockets) {
      this.#release(socket);
      if (!socket.destroyed && socket.readyState === 'open') return socket;
      socket.destroy();
    }
    return undefined;
  }

  /** Opens `count` sockets concurrently into the reserve; failures are returned, never thrown. */
  async fill(count: number): Promise<FillResult> {
    const attempts = Array.from({ length: count }, () => this.#openOne());
    const settled = await Promise.allSettled(attempts);
    const errors = settled.flatMap((result) => (result.status === 'rejected' ? [result.reason as Error] : []));
    return { opened: count - errors.length, errors };
  }

  /** Destroys every reserved socket; the reserve accepts no more. */
  close(): void {
    this.#closed = true;
    for (const socket of this.#sockets) {
      this.#release(socket);
      socket.destroy();
    }
  }

  async #openOne(): Promise<void> {
    this.#opening += 1;
    try {
      const socket = await openSocket(this.#connector, this.#url);
      if (this.#closed) {
        socket.destroy();
        return;
      }
      this.#hold(socket);
    } finally {
      this.#opening -= 1;
    }
  }

  #hold(socket: Socket): void {
    const onGone = () => {
      if (!this.#sockets.has(socket)) return;
      this.#release(socket);
      socket.destroy();
      if (!this.#closed) this.#onLost();
    };
    socket.on('error', onGone).on('close', onGone).on('end', onGone);
    // A held socket waits for no one: it must not keep the process alive, undici ref()s it again when it takes it.
    socket.unref();
    this.#sockets.add(socket);
    holders.set(socket, onGone);
  }

  #release(socket: Socket): void {
    this.#sockets.delete(socket);
    const onGone = holders.get(socket);
    if (onGone) socket.off('error', onGone).off('close', onGone).off('end', onGone);
    holders.delete(socket);
    socket.ref();
  }
}

const holders = new WeakMap<Socket, () => void>();
