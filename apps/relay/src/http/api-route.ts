import type { QuotaAdmission } from '@relay/quota';
import { type Client, presentedKey } from '../auth/client-registry.js';
import { isKeyExpired, keyExpiredMessage } from '../keys/key-expiry.js';
import { modelAllowListOf } from '../keys/model-allow-list.js';
import type { BilledUsage } from '../quota/usage-billing.js';
import { identifySession } from '../sessions/session-id.js';
import { ApiError } from './api-error.js';
import type { AppServices, RouteHandler } from './app-services.js';
import { decodeString } from './body-scanner.js';
import { hasBody, type ParsedBody, readJsonBody } from './json-body.js';

const noAccountMessage =
  'no upstream account is configured: add one to accounts[] in the config file, or set ANTHROPIC_API_KEY';

// Longer than any model id: not decoded.
const maximumModelBytes = 256;

/** The `model` a request body names, decoded (only when the response named none). */
function requestModel(body: ParsedBody | undefined): string | undefined {
  const range = body?.fields.model;
  if (!body || !range || range.end - range.start > maximumModelBytes) return undefined;
  return decodeString(body.raw, range);
}

/**
 * The handler of the API routes forwarded upstream: authenticates the client key (refused with 429 while its
 * address is backing off, 401 once it expired), holds one of its concurrency slots, checks the key's limits
 * (Messages requests of keys with limits: 429 when one refuses), reads the JSON body (after authentication, so an
 * unknown client costs no body read), refuses a model outside the key's allow-list (403), identifies the session
 * of a Messages request (counted against the
 * client's session cap) and hands over to the forwarder. Failures are answered and logged by the request
 * handler around it.
 */
export function apiRoute(services: AppServices, endpoint: 'messages' | 'other'): RouteHandler {
  const bodyLimit = services.config.limits.bodyBytes;
  return async (request, response, log) => {
    services.authenticationBackoff.check(log.remoteAddress);
    const key = presentedKey(request.headers);
    const client = key ? services.clients.authenticate(key) : undefined;
    if (!client) {
      services.authenticationBackoff.recordFailure(log.remoteAddress);
      throw new ApiError(401, 'authentication_error', key ? 'invalid client key' : 'missing client key (x-api-key)');
    }
    log.clientId = client.id;
    const now = Date.now();
    if (isKeyExpired(client.expiresAt, now)) {
      throw new ApiError(401, 'authentication_error', keyExpiredMessage(client.expiresAt as number));
    }
    services.keys.recordUse(client.id, now);
    if (services.accounts.accounts.length === 0) throw new ApiError(503, 'api_error', noAccountMessage);
    services.limiter.acquire(client.id, client.maxConcurrency);
    const bodyLease = services.bodyBudget.lease(client.id);
    let admission: QuotaAdmission | undefined;
    let billed: BilledUsage | undefined;
    try {
      // A key without limits costs nothing here: one property read.
      const limits = endpoint === 'messages' ? client.limits : undefined;
      if (limits) admission = await services.keyAdmission.admit(client.id, limits);
      let body: ParsedBody | undefined;
      if (request.method === 'POST') {
        if (!hasBody(request)) {
          throw new ApiError(
            400,
            'invalid_request_error',
            'the request body must be JSON (content-type: application/json)',
          );
        }
        body = await readJsonBody(request, bodyLimit, bodyLease);
        if (client.models) assertModelAllowed(client, client.models, body);
      }
      const session =
        endpoint === 'messages'
          ? identifySession(request.headers['x-claude-code-session-id'], body, client.id)
          : undefined;
      if (session) services.sessionCap.touch(client.id, session.id);
      const parsed = body;
      billed = await services.forwarder.forward({
        requestId: log.requestId,
        method: request.method === 'POST' ? 'POST' : 'GET',
        pathAndQuery: request.url as string,
        headers: request.headers,
        rawBody: body?.raw,
        stream: body?.fields.stream === true,
        clientId: client.id,
        session: session && { id: session.id, userId: client.userId ?? client.id, apiKeyId: client.id },
        ...(endpoint === 'messages'
          ? { billing: { clientId: client.id, requestModel: () => requestModel(parsed) } }
          : {}),
        response,
        log,
      });
    } finally {
      // Exactly once per admitted request: its tokens and cost, or nothing for a request that failed.
      admission?.settle(billed);
      bodyLease.release();
      services.limiter.release(client.id);
    }
  };
}

// A model name longer than this is no model's: the message quotes only its start.
const quotedModelLength = 100;

/** Throws 403 `permission_error` when the body names a model outside the key's allow-list (none named: upstream's 400). */
function assertModelAllowed(client: Client, patterns: readonly string[], body: ParsedBody): void {
  const range = body.fields.model;
  if (!range) return;
  const model = decodeString(body.raw, range);
  if (modelAllowListOf(patterns).allows(model)) return;
  const quoted = model.length > quotedModelLength ? `${model.slice(0, quotedModelLength)}…` : model;
  throw new ApiError(
    403,
    'permission_error',
    `the client key "${client.id}" may not use the model "${quoted}" (allowed: ${patterns.join(', ')})`,
  );
}
