import { createServer, type Server } from 'node:http';
import { AdminGuard } from './admin-guard.js';
import { adminKeyRoutes } from './admin-key-routes.js';
import { apiRoute } from './api-route.js';
import type { AppServices, RouteHandler } from './app-services.js';
import { dashboardDirectory, dashboardRoute, loadDashboardFiles } from './dashboard-route.js';
import { requestHandler } from './handle-request.js';
import type { RouteName } from './route-match.js';
import { serviceRoutes } from './service-routes.js';

/**
 * Builds the relay's HTTP server on node:http: the API routes forwarded upstream, health, metrics and admin
 * routes, a 404 in the API's error shape for everything else. Header size and the header, request and
 * keep-alive timeouts are node:http's own (431 and 408 are its answers), as is the cap on open connections
 * (`limits.maxConnections`: a connection beyond it is closed at once); `listen` is left to the caller.
 */
export function buildServer(services: AppServices): Server {
  const { config } = services;
  const admin = new AdminGuard(config.admin.token, services.authenticationBackoff);
  const handlers: Record<RouteName, RouteHandler> = {
    ...serviceRoutes(services, admin),
    ...adminKeyRoutes(services, admin),
    messages: apiRoute(services, 'messages'),
    'count-tokens': apiRoute(services, 'other'),
    models: apiRoute(services, 'other'),
    model: apiRoute(services, 'other'),
    dashboard: dashboardRoute(loadDashboardFiles(dashboardDirectory())),
  };

  const server = createServer(
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
    requestHandler(services, handlers),
  );
  server.maxConnections = config.limits.maxConnections;
  return server;
}
