import type { IncomingHttpHeaders } from 'node:http';
import type { Account } from './account.js';

// RFC 9110 §7.6.1 hop-by-hop fields (and their legacy spellings): they describe one connection, never the
// next, so neither direction passes them on; the names a `Connection` header lists are dropped with them.
const hopByHopHeaders = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

// What a Claude client sends that the API reads. Anything else (forwarding and CDN headers such as `via`,
// `x-forwarded-*`, `true-client-ip`, `cf-connecting-ip`, `x-original-url`; cookies; the client's own key) stays
// here: the upstream learns nothing about the clients behind the relay.
const forwardedRequestHeaders = new Set(['accept', 'content-type', 'user-agent', 'x-app', 'idempotency-key']);
const forwardedRequestPrefixes = ['anthropic-', 'x-stainless-', 'x-claude-code-'];

const oauthBeta = 'oauth-2025-04-20';
const connectionOptions = new Set(['keep-alive', 'close']);

/** True for a client request header the relay passes upstream (the allow-list above). */
export function isForwardedRequestHeader(name: string): boolean {
  if (forwardedRequestHeaders.has(name)) return true;
  for (const prefix of forwardedRequestPrefixes) if (name.startsWith(prefix)) return true;
  return false;
}

/**
 * The headers of the upstream request: the client's allow-listed ones (minus any its `Connection` lists),
 * plus the account's credential. OAuth accounts also need `anthropic-beta: oauth-2025-04-20`. The body is
 * asked for uncompressed, so that usage can be read from it on the way.
 */
export function upstreamRequestHeaders(clientHeaders: IncomingHttpHeaders, account: Account): Record<string, string> {
  const headers: Record<string, string> = {};
  const listed = connectionListed(clientHeaders.connection);
  for (const name in clientHeaders) {
    if (!isForwardedRequestHeader(name) || listed?.has(name)) continue;
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

/**
 * The headers of the client's response: the upstream's, minus the hop-by-hop ones and those its `Connection`
 * lists. (A `Trailer` passed on would make node:http refuse the whole head.)
 */
export function clientResponseHeaders(
  upstreamHeaders: Record<string, string | string[] | undefined>,
): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  const listed = connectionListed(upstreamHeaders.connection);
  for (const name in upstreamHeaders) {
    const value = upstreamHeaders[name];
    if (value === undefined || hopByHopHeaders.has(name) || listed?.has(name)) continue;
    headers[name] = value;
  }
  return headers;
}

/**
 * The lower-cased field names a `Connection` header lists, or undefined when it lists none beyond its own
 * options (`keep-alive`, `close`: hop-by-hop already), the usual case, which then costs no allocation.
 */
function connectionListed(connection: string | string[] | undefined): Set<string> | undefined {
  if (connection === undefined) return undefined;
  if (typeof connection === 'string' && connectionOptions.has(connection.toLowerCase())) return undefined;
  const values = Array.isArray(connection) ? connection : [connection];
  return new Set(values.flatMap((value) => value.split(',')).map((token) => token.trim().toLowerCase()));
}
