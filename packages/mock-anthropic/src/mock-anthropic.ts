import { EventEmitter } from 'node:events';
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Exchange, type ExchangeListener } from './exchange.js';
import type { Fault, FaultScope } from './fault.js';
import { FaultScript } from './fault-script.js';
import { nextRequestId } from './identifiers.js';
import { OAuthTokenAuthority } from './oauth-token-authority.js';
import {
  type MockAnthropicOptions,
  type MockTlsOptions,
  type ResolvedMockAnthropicOptions,
  resolveMockAnthropicOptions,
} from './options.js';
import { type ReceivedRequest, RequestRecorder } from './request-recorder.js';
import { type BodyState, ResponsePlanner } from './response-planner.js';
import { generateSelfSignedCertificate } from './self-signed-certificate.js';

/** Events of a mock, each with the request it is about. */
export interface MockAnthropicEvents {
  /** A request's body has arrived; its response is about to be planned. */
  'request-received': [request: ReceivedRequest];
  /** A response was sent in full. */
  'response-completed': [request: ReceivedRequest];
  /** The client went away before its response was complete (`request.aborted` is now true). */
  'request-aborted': [request: ReceivedRequest];
}

/** Counters since the mock started. */
export interface MockAnthropicStats {
  /** Requests whose body arrived. */
  requests: number;
  /** Responses sent in full. */
  completed: number;
  /** Requests whose client went away before the end of the response. */
  aborted: number;
  /** Requests a scripted fault applied to. */
  faults: number;
  /** Connections open now. */
  connections: number;
}

function apiKeyOf(headers: IncomingHttpHeaders): string | undefined {
  const key = headers['x-api-key'];
  if (typeof key === 'string' && key !== '') return key;
  const authorization = headers.authorization;
  if (authorization === undefined || authorization.length <= 7) return undefined;
  return authorization.slice(0, 7).toLowerCase() === 'bearer ' ? authorization.slice(7).trim() || undefined : undefined;
}

/** An Anthropic-compatible upstream on a real socket, with scripted faults and a record of what it received. */
export class MockAnthropic extends EventEmitter<MockAnthropicEvents> {
  /** `http://host:port` or `https://host:port` (IPv6 hosts in brackets). */
  readonly url: string;
  readonly port: number;
  readonly host: string;
  /** The PEM certificate served over HTTPS (self-signed: pass it as `ca` to trust it); `undefined` over HTTP. */
  readonly certificate: string | undefined;
  /**
   * The mock's OAuth token endpoint (`POST /v1/oauth/token`): `oauth.issue()` logs an account in; its access
   * tokens expire and its refresh tokens rotate. An expired access token it issued gets 401.
   */
  readonly oauth = new OAuthTokenAuthority();

  readonly #extraHeaders = new Map<string | undefined, Record<string, string>>();
  readonly #options: ResolvedMockAnthropicOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #recorder: RequestRecorder;
  readonly #faults = new FaultScript();
  readonly #planner: ResponsePlanner;
  readonly #listener: ExchangeListener;
  #closing: Promise<void> | undefined;
  #requests = 0;
  #completed = 0;
  #aborted = 0;
  #faulted = 0;

  private constructor(options: ResolvedMockAnthropicOptions, server: Server, certificate: string | undefined) {
    super();
    this.#options = options;
    this.#server = server;
    this.certificate = certificate;
    this.#recorder = new RequestRecorder(options.record);
    this.#planner = new ResponsePlanner(options);
    this.#listener = {
      onCompleted: (received) => {
        this.#completed++;
        if (this.listenerCount('response-completed') > 0) this.emit('response-completed', received);
      },
      onClosedEarly: (received) => {
        if (this.#closing !== undefined) return;
        received.aborted = true;
        this.#aborted++;
        this.emit('request-aborted', received);
      },
    };
    server.on('request', this.#onRequest);
    server.on('connection', (socket: Socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    const address = server.address() as AddressInfo;
    this.port = address.port;
    this.host = address.address;
    const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    this.url = `${certificate === undefined ? 'http' : 'https'}://${hostInUrl}:${address.port}`;
  }

  /** Starts a mock (see `createMockAnthropic`). */
  static async start(options: MockAnthropicOptions = {}): Promise<MockAnthropic> {
    const resolved = resolveMockAnthropicOptions(options);
    let tls: MockTlsOptions | undefined;
    if (resolved.tls === true) tls = await generateSelfSignedCertificate(resolved.host);
    else if (resolved.tls !== false) tls = resolved.tls;
    const server = tls === undefined ? createHttpServer() : createHttpsServer({ key: tls.key, cert: tls.cert });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(resolved.port, resolved.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return new MockAnthropic(resolved, server, tls === undefined ? undefined : String(tls.cert));
  }

  /** The recorded requests, oldest first (at most the `record` option's number). */
  get received(): ReceivedRequest[] {
    return this.#recorder.list();
  }

  /** Forgets the recorded requests. */
  clearReceived(): void {
    this.#recorder.clear();
  }

  /**
   * Scripts `fault` for the requests `scope` selects: by default the next request; `{ times: n }` the
   * next n; `{ apiKey }` every request of that key until `clearFaults()`; `{ path }` only that path.
   */
  fault(fault: Fault, scope?: FaultScope): this {
    this.#faults.add(fault, scope);
    return this;
  }

  /** Forgets every scripted fault. */
  clearFaults(): void {
    this.#faults.clear();
  }

  /** Scripted faults not used yet (Infinity while a persistent one is set). */
  get pendingFaults(): number {
    return this.#faults.pending;
  }

  /**
   * Adds these headers to every response (of one key with `{ apiKey }`), e.g. the `anthropic-ratelimit-unified-*`
   * headers of a subscription account; they win over the mock's own. Replaces what was set for that scope.
   */
  setResponseHeaders(headers: Record<string, string>, scope: { apiKey?: string } = {}): this {
    this.#extraHeaders.set(scope.apiKey, { ...headers });
    return this;
  }

  /** Forgets every header set with `setResponseHeaders`. */
  clearResponseHeaders(): void {
    this.#extraHeaders.clear();
  }

  /** Counters since the mock started. */
  stats(): MockAnthropicStats {
    return {
      requests: this.#requests,
      completed: this.#completed,
      aborted: this.#aborted,
      faults: this.#faulted,
      connections: this.#sockets.size,
    };
  }

  /** Stops listening and closes every connection, stalled ones included. */
  close(): Promise<void> {
    this.#closing ??= new Promise<void>((resolve) => {
      this.#server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
    return this.#closing;
  }

  #onRequest = (request: IncomingMessage, response: ServerResponse): void => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the body is still read (so the 413 can be sent) but not kept.
      if (size <= this.#options.maxBodyBytes) chunks.push(chunk);
    });
    request.on('end', () => {
      const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
      this.#respond(request, response, body, size > this.#options.maxBodyBytes);
    });
  };

  #hasExpiredOAuthToken(received: ReceivedRequest): boolean {
    const token = received.apiKey;
    return token !== undefined && this.oauth.issuedAccessToken(token) && !this.oauth.isValidAccessToken(token);
  }

  #respond(request: IncomingMessage, response: ServerResponse, body: Buffer, tooLarge: boolean): void {
    const url = request.url ?? '/';
    const queryStart = url.indexOf('?');
    let json: unknown;
    let bodyState: BodyState = tooLarge ? 'too-large' : 'parsed';
    if (!tooLarge && body.length > 0) {
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        bodyState = 'invalid-json';
      }
    }
    const received: ReceivedRequest = {
      id: nextRequestId(),
      method: request.method ?? 'GET',
      path: queryStart === -1 ? url : url.slice(0, queryStart),
      query: new URLSearchParams(queryStart === -1 ? '' : url.slice(queryStart + 1)),
      headers: request.headers,
      body: tooLarge ? Buffer.alloc(0) : body,
      json,
      apiKey: apiKeyOf(request.headers),
      time: Date.now(),
      fault: undefined,
      status: undefined,
      completed: false,
      aborted: false,
    };
    this.#requests++;
    this.#recorder.add(received);
    const fault = this.#faults.take(received.apiKey, received.path);
    if (fault !== undefined) {
      received.fault = fault;
      this.#faulted++;
    }
    if (this.listenerCount('request-received') > 0) this.emit('request-received', received);
    if (received.method === 'POST' && received.path === '/v1/oauth/token') {
      const answer = this.oauth.answer(json);
      const text = JSON.stringify(answer.body);
      response.writeHead(answer.status, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
      });
      response.end(text);
      this.#completed++;
      return;
    }
    const plan =
      fault === undefined && this.#hasExpiredOAuthToken(received)
        ? this.#planner.plan(received, bodyState, {
            kind: 'status',
            status: 401,
            errorType: 'authentication_error',
            message: 'OAuth token has expired',
          })
        : this.#planner.plan(received, bodyState, fault);
    if (this.#extraHeaders.size > 0) {
      Object.assign(plan.headers, this.#extraHeaders.get(undefined), this.#extraHeaders.get(received.apiKey));
    }
    const exchange = new Exchange(response, received, this.#options.eventDelayMs, this.#listener);
    exchange.deliver(plan, this.#options.latencyMs);
  }
}

/** Starts an Anthropic-compatible upstream listening on `options.host`:`options.port` (HTTP, or HTTPS with `tls`). */
export function createMockAnthropic(options: MockAnthropicOptions = {}): Promise<MockAnthropic> {
  return MockAnthropic.start(options);
}
