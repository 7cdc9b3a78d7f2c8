import { createServer, type Server, Socket } from 'node:net';

/**
 * A TCP proxy in front of a real Redis that can lose Redis's replies: commands still reach Redis and run, but the
 * client never hears back, as when a connection dies between a command's execution and its reply.
 */
export class ReplyLosingProxy {
  readonly #server: Server;
  readonly #target: { host: string; port: number };
  readonly #upstreams = new Set<Socket>();
  #losingReplies = false;

  private constructor(server: Server, target: { host: string; port: number }) {
    this.#server = server;
    this.#target = target;
  }

  /** Listens on a free loopback port and forwards every connection to `redisUrl`. */
  static async start(redisUrl: string): Promise<ReplyLosingProxy> {
    const url = new URL(redisUrl);
    const server = createServer();
    const proxy = new ReplyLosingProxy(server, { host: url.hostname, port: Number(url.port || 6379) });
    server.on('connection', (client) => proxy.#forward(client));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** The URL clients connect to. */
  get url(): string {
    const address = this.#server.address();
    if (address === null || typeof address === 'string') throw new Error('the proxy is not listening');
    return `redis://127.0.0.1:${address.port}`;
  }

  /** The `ip:port` of every open proxy→Redis connection, as Redis's `CLIENT KILL ADDR` names them. */
  upstreamAddresses(): string[] {
    return [...this.#upstreams].map((socket) => `${socket.localAddress}:${socket.localPort}`);
  }

  /** From now on, Redis's replies are dropped on the floor (until `forwardReplies`). */
  loseReplies(): void {
    this.#losingReplies = true;
  }

  /** Replies reach clients again. */
  forwardReplies(): void {
    this.#losingReplies = false;
  }

  async close(): Promise<void> {
    for (const socket of this.#upstreams) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #forward(client: Socket): void {
    const upstream = new Socket();
    this.#upstreams.add(upstream);
    upstream.connect(this.#target.port, this.#target.host);
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      if (!this.#losingReplies) client.write(chunk);
    });
    // Either side going away takes the other with it, as a dropped connection would.
    const end = () => {
      this.#upstreams.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end);
    upstream.on('close', end);
    client.on('error', end);
    upstream.on('error', end);
  }
}
