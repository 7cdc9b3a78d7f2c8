import type { IncomingHttpHeaders } from 'node:http';
import type { Account } from './account.js';

// Never forwarded upstream: hop-by-hop headers, the client's own credentials, and what the relay sets itself.
const requestHeadersNotForwarded = new Set([
  'host',
  'connection',
  'keep-alive',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
  'expect',
  'x-api-key',
  'authorization',
  'cookie',
  'forwarded',
  'x-forwarded-for',
  'x-forwarded-host',
  'x-forwarded-proto',
  'x-real-ip',
  'accept-encoding',
]);

// Hop-by-hop headers of the upstream's answer that describe its connection to us, not ours to the client.
const responseHeadersNotForwarded = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection']);

const oauthBeta = 'oauth-2025-04-20';

/**
 * The headers of the upstream request: the client's, minus hop-by-hop ones and its credentials, plus the
 * account's credential. OAuth accounts also need `anthropic-beta: oauth-2025-04-20`. The body is asked for
 * uncompressed, so that usage can be read from it on the way.
 */
export function upstreamRequestHeaders(clientHeaders: IncomingHttpHeaders, account: Account): Record<string, string> {
  const headers: Record<string, string> = {};
  const connectionTokens = clientHeaders.connection?.toLowerCase().split(',') ?? [];
  for (const name in clientHeaders) {
    if (requestHeadersNotForwarded.has(name)) continue;
    if (connectionTokens.length > 0 && connectionTokens.some((token) => token.trim() === name)) continue;
    const value = clientHeaders[name];
    if (value === undefined) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  Object.assign(headers, account.credentialHeaders);
  headers['accept-encoding'] = 'identity';
  if (account.usesOAuth) {
    const betas = headers['anthropic-beta'];
    const list = betas ? betas.split(',').map((beta) => beta.trim()) : [];
    if (!list.includes(oauthBeta)) headers['anthropic-beta'] = [...list, oauthBeta].join(',');
  }
  return headers;
}

/** The headers of the client's response: the upstream's, minus the hop-by-hop ones. */
export function clientResponseHeaders(
  upstreamHeaders: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const name in upstreamHeaders) {
    const value = upstreamHeaders[name];
    if (value === undefined || responseHeadersNotForwarded.has(name)) continue;
    headers[name] = value;
  }
  return headers;
}
