import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyBaseLogger, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { ClientRegistry } from '../auth/client-registry.js';
import { presentedKey } from '../auth/client-registry.js';
import type { RelayConfig } from '../config/config-schema.js';
import { identifySession } from '../sessions/session-id.js';
import type { AccountRegistry } from '../upstream/account-registry.js';
import type { Forwarder } from '../upstream/forwarder.js';
import { AdminGuard } from './admin-guard.js';
import { ApiError, apiErrorBody, errorTypeForStatus } from './api-error.js';
import type { ClientConcurrencyLimiter } from './client-limiter.js';

/** The JSON body of a client request: the bytes as received, and their parse. */
export interface ParsedBody {
  raw: Buffer;
  json: unknown;
}

/** What the HTTP layer needs from the rest of the relay. */
export interface AppServices {
  config: RelayConfig;
  logger: Logger;
  clients: ClientRegistry;
  limiter: ClientConcurrencyLimiter;
  accounts: AccountRegistry;
  forwarder: Forwarder;
  /** Readiness: the session store answers, and at least one account is usable. */
  readiness(): Promise<{ ready: boolean; checks: Record<string, string> }>;
  /** Prometheus exposition (OpenMetrics when asked). */
  metrics(openMetrics: boolean): Promise<{ contentType: string; body: string }>;
  /** The JSON of `GET /admin/stats`. */
  stats(): Promise<Record<string, unknown>>;
  /** True once shutdown began: new API requests are refused from then on. */
  isDraining(): boolean;
  /** Counts an error the relay itself answered with, by its API error type. */
  recordError(errorType: string): void;
  /** Sessions by userId, apiKeyId or accountId. */
  findSessions(query: { userId?: string; apiKeyId?: string; accountId?: string }): Promise<unknown[]>;
}

// Request ids are unique, not secret: a random per-process prefix and a counter cost nothing per request.
const requestIdPrefix = `req_${randomBytes(6).toString('hex')}`;
let requestCounter = 0;
function nextRequestId(): string {
  requestCounter += 1;
  return `${requestIdPrefix}${requestCounter.toString(36).padStart(8, '0')}`;
}

const noAccountMessage =
  'no upstream account is configured: add one to accounts[] in the config file, or set ANTHROPIC_API_KEY';

/** Builds the relay's HTTP server: the API routes forwarded upstream, health, metrics and admin routes. */
export function buildApp(services: AppServices) {
  const { config, logger } = services;
  const admin = new AdminGuard(config.admin.token);
  const app = Fastify({
    loggerInstance: logger,
    // One line per request, written by the handler with what matters (client, status, time).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.limits.bodyBytes,
    requestIdHeader: false,
    genReqId: nextRequestId,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    serverFactory: (handler) =>
      createServer(
        {
          maxHeaderSize: config.limits.maxHeaderBytes,
          headersTimeout: config.limits.headersTimeoutMs,
          requestTimeout: config.limits.requestTimeoutMs,
          keepAliveTimeout: config.limits.keepAliveTimeoutMs,
          // Timeouts are only as precise as this check: keep it well under the shortest of them.
          connectionsCheckingInterval: Math.max(
            100,
            Math.min(30_000, Math.floor(Math.min(config.limits.headersTimeoutMs, config.limits.requestTimeoutMs) / 4)),
          ),
        },
        handler,
      ),
  });

  app.addContentTypeParser(
    ['application/json'],
    { parseAs: 'buffer' },
    (_request: FastifyRequest, raw: Buffer, done: (error: Error | null, body?: ParsedBody) => void) => {
      try {
        done(null, { raw, json: JSON.parse(raw.toString('utf8')) });
      } catch (error) {
        done(
          new ApiError(400, 'invalid_request_error', `the request body is not valid JSON: ${(error as Error).message}`),
        );
      }
    },
  );

  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error);
    logFailure(request.log, error, apiError);
    services.recordError(apiError.errorType);
    void reply
      .code(apiError.statusCode)
      .headers({ ...apiError.headers, 'request-id': request.id, 'content-type': 'application/json' })
      .send(apiErrorBody(apiError.errorType, apiError.message, request.id));
  });
  app.setNotFoundHandler((request, reply) => {
    services.recordError('not_found_error');
    void reply
      .code(404)
      .headers({ 'request-id': request.id, 'content-type': 'application/json' })
      .send(apiErrorBody('not_found_error', `no route for ${request.method} ${request.url.split('?')[0]}`, request.id));
  });

  app.get('/', async () => ({ status: 'ok', service: 'relay' }));
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const readiness = await services.readiness();
    return reply.code(readiness.ready ? 200 : 503).send(readiness);
  });
  app.get('/metrics', async (request, reply) => {
    const openMetrics = String(request.headers.accept ?? '').includes('application/openmetrics-text');
    const exposition = await services.metrics(openMetrics);
    return reply.header('content-type', exposition.contentType).send(exposition.body);
  });

  app.get('/admin/stats', async (request) => {
    admin.check(request.headers.authorization);
    return await services.stats();
  });
  app.get('/admin/sessions', async (request) => {
    admin.check(request.headers.authorization);
    const query = request.query as Record<string, string | undefined>;
    const filters = { userId: query.userId, apiKeyId: query.apiKeyId, accountId: query.accountId };
    const given = Object.entries(filters).filter(([, value]) => typeof value === 'string' && value.length > 0);
    if (given.length !== 1) {
      throw new ApiError(400, 'invalid_request_error', 'give exactly one of userId, apiKeyId or accountId');
    }
    return { data: await services.findSessions(Object.fromEntries(given)) };
  });
  app.post('/admin/accounts/:id/enable', async (request) => {
    admin.check(request.headers.authorization);
    const { id } = request.params as { id: string };
    if (!services.accounts.enable(id)) throw new ApiError(404, 'not_found_error', `no account "${id}"`);
    return { id, enabled: true };
  });

  const forward = (endpoint: 'messages' | 'other') => async (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack();
    const started = performance.now();
    const response = reply.raw;
    let clientId: string | undefined;
    let acquired = false;
    try {
      const key = presentedKey(request.headers);
      const client = key ? services.clients.authenticate(key) : undefined;
      if (!client) {
        throw new ApiError(401, 'authentication_error', key ? 'invalid client key' : 'missing client key (x-api-key)');
      }
      clientId = client.id;
      if (services.isDraining()) {
        throw new ApiError(503, 'overloaded_error', 'the relay is shutting down', {
          connection: 'close',
          'retry-after': '1',
        });
      }
      if (services.accounts.accounts.length === 0) throw new ApiError(503, 'api_error', noAccountMessage);
      services.limiter.acquire(client.id, client.maxConcurrency);
      acquired = true;
      const body = request.body as ParsedBody | undefined;
      if (request.method === 'POST' && !body) {
        throw new ApiError(
          400,
          'invalid_request_error',
          'the request body must be JSON (content-type: application/json)',
        );
      }
      const session =
        endpoint === 'messages'
          ? identifySession(request.headers['x-claude-code-session-id'], body?.json, client.id)
          : undefined;
      await services.forwarder.forward({
        requestId: request.id,
        method: request.method === 'GET' ? 'GET' : 'POST',
        pathAndQuery: request.url,
        headers: request.headers,
        rawBody: body?.raw,
        session: session && { id: session.id, userId: client.userId ?? client.id, apiKeyId: client.id },
        response,
        log: request.log,
      });
    } catch (error) {
      const apiError = toApiError(error);
      logFailure(request.log, error, apiError);
      services.recordError(apiError.errorType);
      writeApiError(response, apiError, request.id);
    } finally {
      if (acquired && clientId) services.limiter.release(clientId);
      request.log.info(
        {
          method: request.method,
          url: request.url.split('?')[0],
          status: response.statusCode,
          client: clientId,
          ms: Math.round(performance.now() - started),
        },
        'request completed',
      );
    }
  };
  app.post('/v1/messages', forward('messages'));
  app.post('/v1/messages/count_tokens', forward('other'));
  app.get('/v1/models', forward('other'));
  app.get('/v1/models/:model', forward('other'));

  return app;
}

/** Writes an ApiError on a raw response, unless the response has started (then only ends it). */
function writeApiError(response: ServerResponse<IncomingMessage>, error: ApiError, requestId: string): void {
  if (response.headersSent) {
    if (!response.writableEnded) response.destroy();
    return;
  }
  response.writeHead(error.statusCode, {
    ...error.headers,
    'content-type': 'application/json',
    'request-id': requestId,
  });
  response.end(apiErrorBody(error.errorType, error.message, requestId));
}

/** An unexpected failure is logged with its stack; an expected 5xx answer (503: store down, accounts busy) in a line. */
function logFailure(log: FastifyBaseLogger, error: unknown, apiError: ApiError): void {
  // toApiError maps every failure it knows to its own status; only the unknown ones become a bare 500.
  if (!(error instanceof ApiError) && apiError.statusCode === 500) log.error({ err: error }, 'request failed');
  else if (apiError.statusCode >= 500)
    log.warn({ status: apiError.statusCode, error: apiError.message }, 'request refused');
}

/** Maps anything thrown on the request path to the Anthropic error the client should see. */
function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const statusCode = (error as { statusCode?: unknown }).statusCode;
  const code = (error as { code?: unknown }).code;
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return new ApiError(413, 'request_too_large', 'the request body is larger than the relay accepts');
  }
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return new ApiError(415, 'invalid_request_error', 'the request body must be JSON (content-type: application/json)');
  }
  if (code === 'RELAY_ERR_STORE_UNAVAILABLE') {
    return new ApiError(503, 'api_error', 'the session store is unavailable; try again shortly', {
      'retry-after': '1',
    });
  }
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return new ApiError(statusCode, errorTypeForStatus(statusCode), (error as Error).message);
  }
  return new ApiError(500, 'api_error', 'the relay failed to handle the request');
}
