import { presentedKey } from '../auth/client-registry.js';
import { identifySession } from '../sessions/session-id.js';
import { ApiError, toApiError } from './api-error.js';
import type { AppServices, RouteHandler } from './app-services.js';
import type { BodyBytesLease } from './client-body-budget.js';
import { hasBody, type ParsedBody, readJsonBody } from './json-body.js';
import { logFailure } from './log-failure.js';
import { sendApiError } from './respond.js';
import { pathOf } from './route-match.js';

const noAccountMessage =
  'no upstream account is configured: add one to accounts[] in the config file, or set ANTHROPIC_API_KEY';

/**
 * The handler of the API routes forwarded upstream: authenticates the client key, holds one of its
 * concurrency slots, reads the JSON body (after authentication, so an unknown client costs no body read),
 * identifies the session of a Messages request and hands over to the forwarder. Writes its own errors and
 * one `request completed` line.
 */
export function apiRoute(services: AppServices, endpoint: 'messages' | 'other'): RouteHandler {
  const bodyLimit = services.config.limits.bodyBytes;
  return async (request, response, log) => {
    const started = performance.now();
    let clientId: string | undefined;
    let acquired = false;
    let bodyLease: BodyBytesLease | undefined;
    try {
      const key = presentedKey(request.headers);
      const client = key ? services.clients.authenticate(key) : undefined;
      if (!client) {
        throw new ApiError(401, 'authentication_error', key ? 'invalid client key' : 'missing client key (x-api-key)');
      }
      clientId = client.id;
      if (services.accounts.accounts.length === 0) throw new ApiError(503, 'api_error', noAccountMessage);
      services.limiter.acquire(client.id, client.maxConcurrency);
      acquired = true;
      let body: ParsedBody | undefined;
      if (request.method === 'POST') {
        if (!hasBody(request)) {
          throw new ApiError(
            400,
            'invalid_request_error',
            'the request body must be JSON (content-type: application/json)',
          );
        }
        bodyLease = services.bodyBudget.lease(client.id);
        body = await readJsonBody(request, bodyLimit, bodyLease);
      }
      const session =
        endpoint === 'messages'
          ? identifySession(request.headers['x-claude-code-session-id'], body, client.id)
          : undefined;
      await services.forwarder.forward({
        requestId: log.requestId,
        method: request.method === 'POST' ? 'POST' : 'GET',
        pathAndQuery: request.url as string,
        headers: request.headers,
        rawBody: body?.raw,
        session: session && { id: session.id, userId: client.userId ?? client.id, apiKeyId: client.id },
        response,
        log,
      });
    } catch (error) {
      const apiError = toApiError(error);
      logFailure(log, error, apiError);
      services.recordError(apiError.errorType);
      sendApiError(response, apiError, log.requestId);
    } finally {
      bodyLease?.release();
      if (acquired && clientId) services.limiter.release(clientId);
      log.completed({
        method: request.method as string,
        url: pathOf(request.url as string),
        status: response.statusCode,
        client: clientId,
        ms: Math.round(performance.now() - started),
      });
    }
  };
}
