import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, toApiError } from './api-error.js';
import type { AppServices, RouteHandler } from './app-services.js';
import { logFailure } from './log-failure.js';
import { nextRequestId } from './request-id.js';
import { RequestLog, summaryLogger } from './request-log.js';
import { sendApiError } from './respond.js';
import { matchRoute, pathOf, type RouteName } from './route-match.js';

/**
 * The one place that sees every request, routed or not: it routes, refuses while draining, answers whatever a
 * handler throws in the API's error shape, and writes the request's `request completed` line in `finally`
 * (404s, 503s while draining and admin calls included).
 */
export function requestHandler(
  services: Pick<AppServices, 'logger' | 'isDraining' | 'recordError'>,
  handlers: Record<RouteName, RouteHandler>,
): (request: IncomingMessage, response: ServerResponse) => void {
  const summary = summaryLogger(services.logger);

  const handle = async (request: IncomingMessage, response: ServerResponse, log: RequestLog) => {
    const started = performance.now();
    const path = pathOf(request.url ?? '/');
    try {
      const route = matchRoute(request.method, path);
      if (!route) throw new ApiError(404, 'not_found_error', `no route for ${request.method} ${path}`);
      if (services.isDraining()) {
        throw new ApiError(503, 'overloaded_error', 'the relay is shutting down', {
          connection: 'close',
          'retry-after': '1',
        });
      }
      await handlers[route.name](request, response, log, route);
    } catch (error) {
      const apiError = toApiError(error);
      logFailure(log, error, apiError);
      services.recordError(apiError.errorType);
      sendApiError(response, apiError, log.requestId);
    } finally {
      log.completed({
        method: request.method as string,
        url: path,
        status: response.statusCode,
        ms: Math.round(performance.now() - started),
      });
    }
  };

  return (request, response) => {
    const log = new RequestLog(services.logger, summary, nextRequestId(), request.socket.remoteAddress);
    // Only a failure to answer or to log lands here (the handler's own failures are answered above).
    handle(request, response, log).catch((error: unknown) => {
      services.logger.error({ err: error, reqId: log.requestId }, 'request handling failed');
      if (!response.destroyed) response.destroy();
    });
  };
}
