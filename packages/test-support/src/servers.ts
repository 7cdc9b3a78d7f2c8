import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type Server, type Socket } from 'node:net';
import { createProxy } from 'proxy';
import socks5 from 'simple-socks';
import { findFreePort } from './free-port.js';
import { proxyCredentials } from './process-proxies.js';

// The certificate files ship beside dist/ and src/ (this package is private: read from its own folder).
const fixtures = new URL('../fixtures/', import.meta.url);

/** The self-signed certificate of `localhost` / 127.0.0.1 (valid until 2126) and its key. */
export const tlsFixture = {
  cert: readFileSync(new URL('localhost-cert.pem', fixtures)),
  key: readFileSync(new URL('localhost-key.pem', fixtures)),
};

export {
  hasBinary,
  type ProcessProxy,
  proxyCredentials,
  startMicrosocks,
  startTinyproxy,
} from './process-proxies.js';

/** A running test server and what it has seen. */
export interface TestServer {
  readonly port: number;
  /** `http://127.0.0.1:port` (or https). */
  readonly url: string;
  /** Connections accepted (for TLS origins: TLS handshakes completed). */
  readonly connections: Socket[];
  /** Connections open now. */
  openConnections(): number;
  close(): Promise<void>;
}

function track(server: Server, event: 'connection' | 'secureConnection'): { connections: Socket[]; all: Set<Socket> } {
  const connections: Socket[] = [];
  const all = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    all.add(socket);
    socket.once('close', () => all.delete(socket));
  });
  server.on(event, (socket: Socket) => connections.push(socket));
  return { connections, all };
}

async function shut(server: Server, sockets: Set<Socket>): Promise<void> {
  for (const socket of sockets) socket.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Starts `server` on a free loopback port; an `https` one counts completed TLS handshakes as its connections. */
async function serve(server: Server, scheme: 'http' | 'https' | 'socks5'): Promise<TestServer> {
  const { connections, all } = track(server, scheme === 'https' ? 'secureConnection' : 'connection');
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    connections,
    openConnections: () => all.size,
    close: () => shut(server, all),
  };
}

/** Request handler of an origin; the default answers 200 `ok` with keep-alive. */
export type OriginHandler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

const answerOk: OriginHandler = (_request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain' });
  response.end('ok');
};

/** An HTTP or HTTPS origin on loopback with keep-alive. */
export async function startOrigin(
  options: { tls?: boolean; handler?: OriginHandler } = {},
): Promise<TestServer & { readonly requestPorts: number[] }> {
  const handler = options.handler ?? answerOk;
  const requestPorts: number[] = [];
  const onRequest: OriginHandler = (request, response) => {
    requestPorts.push(request.socket.remotePort ?? 0);
    handler(request, response);
  };
  const server = options.tls
    ? https.createServer({ ...tlsFixture, keepAliveTimeout: 60_000 }, onRequest)
    : http.createServer({ keepAliveTimeout: 60_000 }, onRequest);
  const started = await serve(server, options.tls ? 'https' : 'http');
  return { ...started, requestPorts };
}

/** An HTTP CONNECT proxy (the `proxy` package), optionally demanding Basic credentials; counts CONNECTs. */
export async function startConnectProxy(
  options: { auth?: boolean; tls?: boolean } = {},
): Promise<TestServer & { readonly tunnels: string[] }> {
  const base = options.tls ? https.createServer(tlsFixture) : http.createServer();
  const server = createProxy(base);
  const tunnels: string[] = [];
  server.on('connect', (request: http.IncomingMessage) => tunnels.push(request.url ?? ''));
  if (options.auth) {
    const expected = `Basic ${Buffer.from(`${proxyCredentials.username}:${proxyCredentials.password}`).toString('base64')}`;
    server.authenticate = (request) => request.headers['proxy-authorization'] === expected;
  }
  const started = await serve(server, options.tls ? 'https' : 'http');
  return { ...started, tunnels };
}

/** A SOCKS5 proxy (simple-socks, pure Node), optionally demanding username/password. */
export async function startSocksProxy(options: { auth?: boolean } = {}): Promise<TestServer> {
  const server = socks5.createServer(
    options.auth
      ? {
          authenticate(username, password, _socket, callback) {
            if (username === proxyCredentials.username && password === proxyCredentials.password) {
              setImmediate(callback);
            } else setImmediate(callback, new Error('invalid credentials'));
          },
        }
      : {},
  );
  return await serve(server, 'socks5');
}

/** A TCP port with nothing listening on it. */
export async function refusedPort(): Promise<number> {
  return await findFreePort();
}

/** A TCP server that accepts connections and never says a word (no TLS handshake, no headers, no SOCKS reply). */
export async function startSilentServer(): Promise<TestServer> {
  return await serve(
    net.createServer(() => {}),
    'http',
  );
}

/** An origin handler that starts a response, then resets the connection mid-body. */
export const resetMidResponse: OriginHandler = (request, response) => {
  response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '1000' });
  response.write('partial');
  setImmediate(() => request.socket.resetAndDestroy());
};
