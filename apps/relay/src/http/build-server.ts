import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { AdminGuard } from './admin-guard.js';
import { ApiError, toApiError } from './api-error.js';
import { apiRoute } from './api-route.js';
import type { AppServices, RouteHandler } from './app-services.js';
import { dashboardDirectory, dashboardRoute, loadDashboardFiles } from './dashboard-route.js';
import { logFailure } from './log-failure.js';
import { nextRequestId } from './request-id.js';
import { RequestLog, summaryLogger } from './request-log.js';
import { sendApiError } from './respond.js';
import { matchRoute, pathOf, type RouteName } from './route-match.js';
import { serviceRoutes } from './service-routes.js';

/**
 * Builds the relay's HTTP server on node:http: the API routes forwarded upstream, health, metrics and admin
 * routes, a 404 in the API's error shape for everything else. Header size and the header, request and
 * keep-alive timeouts are node:http's own (431 and 408 are its answers); `listen` is left to the caller.
 */
export function buildServer(services: AppServices): Server {
  const { config, logger } = services;
  const handlers: Record<RouteName, RouteHandler> = {
    ...serviceRoutes(services, new AdminGuard(config.admin.token)),
    messages: apiRoute(services, 'messages'),
    'count-tokens': apiRoute(services, 'other'),
    models: apiRoute(services, 'other'),
    model: apiRoute(services, 'other'),
    dashboard: dashboardRoute(loadDashboardFiles(dashboardDirectory())),
  };

  const summary = summaryLogger(logger);
  const fail = (response: ServerResponse, log: RequestLog, error: unknown) => {
    const apiError = toApiError(error);
    logFailure(log, error, apiError);
    services.recordError(apiError.errorType);
    sendApiError(response, apiError, log.requestId);
  };

  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    const log = new RequestLog(logger, summary, nextRequestId());
    const path = pathOf(request.url ?? '/');
    const route = matchRoute(request.method, path);
    if (!route) {
      services.recordError('not_found_error');
      sendApiError(
        response,
        new ApiError(404, 'not_found_error', `no route for ${request.method} ${path}`),
        log.requestId,
      );
      return;
    }
    if (services.isDraining()) {
      fail(
        response,
        log,
        new ApiError(503, 'overloaded_error', 'the relay is shutting down', {
          connection: 'close',
          'retry-after': '1',
        }),
      );
      return;
    }
    handlers[route.name](request, response, log, route).catch((error: unknown) => fail(response, log, error));
  };

  return createServer(
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
    onRequest,
  );
}
