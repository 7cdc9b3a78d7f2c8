import {
  KeyError,
  KeyExistsError,
  KeyNotFoundError,
  KeyNotManagedError,
  KeyStoreUnavailableError,
} from '../keys/key-errors.js';
import { KeyInputError, parseCreateKeyInput, parseKeyPatch } from '../keys/key-input.js';
import type { AdminGuard } from './admin-guard.js';
import { readAdminJson } from './admin-json-body.js';
import { ApiError } from './api-error.js';
import type { AppServices, RouteHandler } from './app-services.js';
import { sendJson } from './respond.js';

/** The routes of the admin keys API. */
export type AdminKeyRouteName =
  | 'admin-keys'
  | 'admin-key-create'
  | 'admin-key'
  | 'admin-key-update'
  | 'admin-key-revoke';

/**
 * The admin keys API (bearer admin token, JSON): create a key (shown once), list, show, change and revoke keys.
 * Keys of the config file are listed but not changed here (409).
 */
export function adminKeyRoutes(services: AppServices, admin: AdminGuard): Record<AdminKeyRouteName, RouteHandler> {
  const { keys } = services;
  const guarded =
    (handler: RouteHandler): RouteHandler =>
    async (request, response, log, route) => {
      admin.check(request.headers.authorization, log.remoteAddress);
      try {
        await handler(request, response, log, route);
      } catch (error) {
        if (error instanceof KeyStoreUnavailableError) {
          log.warn({ error: (error.cause as Error | undefined)?.message }, 'the key store failed');
        }
        throw asApiError(error);
      }
    };
  return {
    'admin-keys': guarded(async (_request, response, log) => {
      sendJson(response, 200, { data: await keys.list() }, log.requestId);
    }),
    'admin-key-create': guarded(async (request, response, log) => {
      const input = parseCreateKeyInput(await readAdminJson(request));
      const { key, view } = await keys.create(input);
      const { id, ...rest } = view;
      // The key goes out once, here; nothing else (logs, the store, later answers) ever holds it.
      sendJson(response, 201, { id, key, ...rest }, log.requestId, { 'cache-control': 'no-store' });
    }),
    'admin-key': guarded(async (_request, response, log, route) => {
      const id = route.parameter as string;
      const found = await keys.get(id);
      if (!found) throw new KeyNotFoundError(id);
      const usage = services.keyUsage ? await services.keyUsage(found.client) : undefined;
      sendJson(response, 200, { ...found.view, ...(usage !== undefined ? { usage } : {}) }, log.requestId);
    }),
    'admin-key-update': guarded(async (request, response, log, route) => {
      const patch = parseKeyPatch(await readAdminJson(request));
      sendJson(response, 200, await keys.update(route.parameter as string, patch), log.requestId);
    }),
    'admin-key-revoke': guarded(async (_request, response, log, route) => {
      const id = route.parameter as string;
      await keys.revoke(id);
      sendJson(response, 200, { id, revoked: true }, log.requestId);
    }),
  };
}

function asApiError(error: unknown): unknown {
  if (error instanceof KeyInputError) return new ApiError(400, 'invalid_request_error', error.message);
  if (!(error instanceof KeyError)) return error;
  if (error instanceof KeyNotFoundError) return new ApiError(404, 'not_found_error', error.message);
  if (error instanceof KeyExistsError || error instanceof KeyNotManagedError) {
    return new ApiError(409, 'invalid_request_error', error.message);
  }
  if (error instanceof KeyStoreUnavailableError) {
    return new ApiError(503, 'api_error', error.message, { 'retry-after': '1' });
  }
  return new ApiError(500, 'api_error', error.message);
}
