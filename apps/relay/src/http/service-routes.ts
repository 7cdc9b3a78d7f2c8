import { parseUsageQuery } from '../quota/usage-query.js';
import type { AdminGuard } from './admin-guard.js';
import type { AdminKeyRouteName } from './admin-key-routes.js';
import { ApiError } from './api-error.js';
import type { AppServices, RouteHandler } from './app-services.js';
import { sendJson, sendText } from './respond.js';
import type { RouteName } from './route-match.js';

/** The relay's own routes: health, readiness, metrics and the admin API. */
export function serviceRoutes(
  services: AppServices,
  admin: AdminGuard,
): Record<
  Exclude<RouteName, 'messages' | 'count-tokens' | 'models' | 'model' | 'dashboard' | AdminKeyRouteName>,
  RouteHandler
> {
  return {
    root: async (_request, response, log) => sendJson(response, 200, { status: 'ok', service: 'relay' }, log.requestId),
    healthz: async (_request, response, log) => sendJson(response, 200, { status: 'ok' }, log.requestId),
    readyz: async (_request, response, log) => {
      const readiness = await services.readiness();
      sendJson(response, readiness.ready ? 200 : 503, readiness, log.requestId);
    },
    metrics: async (request, response, log) => {
      const openMetrics = String(request.headers.accept ?? '').includes('application/openmetrics-text');
      const exposition = await services.metrics(openMetrics);
      sendText(response, 200, exposition.body, exposition.contentType, log.requestId);
    },
    'admin-stats': async (request, response, log) => {
      admin.check(request.headers.authorization, log.remoteAddress);
      sendJson(response, 200, await services.stats(), log.requestId);
    },
    'admin-sessions': async (request, response, log) => {
      admin.check(request.headers.authorization, log.remoteAddress);
      const query = queryOf(request.url);
      const filters = {
        userId: query.get('userId'),
        apiKeyId: query.get('apiKeyId'),
        accountId: query.get('accountId'),
      };
      const given = Object.entries(filters).filter(([, value]) => typeof value === 'string' && value.length > 0);
      if (given.length !== 1) {
        throw new ApiError(400, 'invalid_request_error', 'give exactly one of userId, apiKeyId or accountId');
      }
      sendJson(response, 200, { data: await services.findSessions(Object.fromEntries(given)) }, log.requestId);
    },
    'admin-accounts': async (request, response, log) => {
      admin.check(request.headers.authorization, log.remoteAddress);
      sendJson(response, 200, { data: services.accounts.views() }, log.requestId);
    },
    'admin-usage': async (request, response, log) => {
      admin.check(request.headers.authorization, log.remoteAddress);
      const query = parseUsageQuery(queryOf(request.url), Date.now());
      if ('error' in query) throw new ApiError(400, 'invalid_request_error', query.error);
      sendJson(response, 200, await services.usage(query), log.requestId);
    },
    'admin-account-enable': async (request, response, log, route) => {
      admin.check(request.headers.authorization, log.remoteAddress);
      const id = route.parameter as string;
      if (!services.accounts.enable(id)) throw new ApiError(404, 'not_found_error', `no account "${id}"`);
      sendJson(response, 200, { id, enabled: true }, log.requestId);
    },
  };
}

/** The query parameters of a request target. */
function queryOf(url: string | undefined): URLSearchParams {
  const target = url ?? '';
  return new URLSearchParams(target.includes('?') ? target.slice(target.indexOf('?') + 1) : '');
}
