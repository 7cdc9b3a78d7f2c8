import { createHmac, randomBytes } from 'node:crypto';
import { InvalidOptionError } from './errors.js';

/** The proxy schemes a key can name. `socks5h:` resolves the target's name on the proxy, `socks5:` locally. */
export type ProxyProtocol = 'http:' | 'https:' | 'socks5:' | 'socks5h:';

/** A parsed proxy URL. Holds the credentials: never log it, print `redacted` instead. */
export interface ProxyEndpoint {
  readonly protocol: ProxyProtocol;
  readonly hostname: string;
  readonly port: number;
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** The proxy URL without username and password, e.g. `socks5://***@127.0.0.1:1080`. */
  readonly redacted: string;
}

/** What a dispatcher is cached under: an origin and, optionally, the proxy that reaches it. */
export interface DispatcherKey {
  /** The exact identity (credentials included, so never printed): the cache key. */
  readonly id: string;
  /** The normalised origin, e.g. `https://api.anthropic.com`. */
  readonly origin: string;
  readonly url: URL;
  readonly proxy: ProxyEndpoint | undefined;
  /**
   * The printable key: the origin, plus ` via <redacted proxy>`; when the proxy has credentials a `#fingerprint`
   * (an HMAC under a per-process random secret) keeps two accounts on one proxy host apart without revealing them.
   */
  readonly label: string;
}

const defaultProxyPorts: Record<ProxyProtocol, number> = {
  'http:': 80,
  'https:': 443,
  'socks5:': 1080,
  'socks5h:': 1080,
};

// Random per process: a fingerprint cannot be brute-forced offline back into a weak password.
const fingerprintSecret = randomBytes(32);

function credentialFingerprint(username: string, password: string): string {
  return createHmac('sha256', fingerprintSecret).update(`${username}\0${password}`).digest('hex').slice(0, 12);
}

function isProxyProtocol(protocol: string): protocol is ProxyProtocol {
  return Object.hasOwn(defaultProxyPorts, protocol);
}

/** Parses and normalises an origin (`http:` or `https:`, no path, query or credentials). */
export function parseOrigin(origin: string | URL, option = 'origin'): URL {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    throw new InvalidOptionError(option, 'not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidOptionError(option, `protocol must be http: or https:, got ${url.protocol}`);
  }
  if (url.username || url.password) throw new InvalidOptionError(option, 'an origin must not carry credentials');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new InvalidOptionError(option, 'an origin has no path, query or fragment');
  }
  return new URL(url.origin);
}

/** Parses a proxy URL (`http://`, `https://`, `socks5://`, `socks5h://`, optional `user:password@`). */
export function parseProxy(proxy: string | URL, option = 'proxy'): ProxyEndpoint {
  let url: URL;
  try {
    url = new URL(proxy);
  } catch {
    // Never echo the input: it may hold credentials.
    throw new InvalidOptionError(option, 'not a valid URL');
  }
  const protocol = url.protocol;
  if (!isProxyProtocol(protocol)) {
    throw new InvalidOptionError(option, `protocol must be http:, https:, socks5: or socks5h:, got ${protocol}`);
  }
  if (!url.hostname) throw new InvalidOptionError(option, 'the proxy URL has no host');
  const username = url.username ? decodeURIComponent(url.username) : undefined;
  const password = url.password ? decodeURIComponent(url.password) : undefined;
  const port = url.port ? Number(url.port) : defaultProxyPorts[protocol];
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const hostPort = `${url.hostname}:${port}`;
  const redacted = username || password ? `${protocol}//***@${hostPort}` : `${protocol}//${hostPort}`;
  return { protocol, hostname, port, username, password, redacted };
}

/** The printable form of a proxy URL: credentials replaced by `***`. Safe on any input, even an invalid one. */
export function redactProxyUrl(proxy: string | URL): string {
  try {
    return parseProxy(proxy).redacted;
  } catch {
    return '[invalid proxy URL]';
  }
}

/** Builds the key of (origin, proxy); validates both. */
export function createDispatcherKey(origin: string | URL, proxy?: string | URL): DispatcherKey {
  const url = parseOrigin(origin);
  const endpoint = proxy === undefined || proxy === '' ? undefined : parseProxy(proxy);
  if (!endpoint) return { id: url.origin, origin: url.origin, url, proxy: undefined, label: url.origin };
  const credentials =
    endpoint.username || endpoint.password
      ? `#${credentialFingerprint(endpoint.username ?? '', endpoint.password ?? '')}`
      : '';
  return {
    id: `${url.origin} ${endpoint.protocol}//${encodeURIComponent(endpoint.username ?? '')}:${encodeURIComponent(endpoint.password ?? '')}@${endpoint.hostname}:${endpoint.port}`,
    origin: url.origin,
    url,
    proxy: endpoint,
    label: `${url.origin} via ${endpoint.redacted}${credentials}`,
  };
}

/**
 * Resolves (origin, proxy) as the caller spells them to a normalised key, memoised on the raw strings so that
 * the hot path costs two map lookups instead of two URL parses. Two levels (origin, then proxy) rather than one
 * joined string: a caller's strings keep their cached hash, a freshly joined one would be hashed on every call.
 * Emptied when it outgrows `max` (callers use a handful of spellings; an LRU's bookkeeping would cost more).
 */
export class DispatcherKeyResolver {
  readonly #memo = new Map<string, Map<string, DispatcherKey>>();
  readonly #max: number;
  #size = 0;

  constructor(max: number) {
    this.#max = max;
  }

  /** The key for this origin and proxy (throws InvalidOptionError on a malformed one). */
  resolve(origin: string | URL, proxy: string | URL | undefined): DispatcherKey {
    const rawOrigin = typeof origin === 'string' ? origin : origin.href;
    const rawProxy = proxy === undefined ? '' : typeof proxy === 'string' ? proxy : proxy.href;
    let byProxy = this.#memo.get(rawOrigin);
    const cached = byProxy?.get(rawProxy);
    if (cached !== undefined) return cached;
    const key = createDispatcherKey(origin, proxy);
    if (this.#size >= this.#max) {
      this.#memo.clear();
      this.#size = 0;
      byProxy = undefined;
    }
    if (byProxy === undefined) {
      byProxy = new Map();
      this.#memo.set(rawOrigin, byProxy);
    }
    byProxy.set(rawProxy, key);
    this.#size += 1;
    return key;
  }
}
