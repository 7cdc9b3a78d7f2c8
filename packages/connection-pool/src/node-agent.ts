import http from 'node:http';
import https from 'node:https';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { SocksProxyAgent } from 'socks-proxy-agent';
import type { DispatcherKey } from './dispatcher-key.js';
import type { ResolvedPoolOptions, TlsOptions } from './pool-options.js';

type AgentConnectOpts = Parameters<SocksProxyAgent['connect']>[1];

/** The proxy URL with its credentials, for the agent libraries (which need them to authenticate). */
function proxyUrl(key: DispatcherKey): string {
  const proxy = key.proxy;
  if (!proxy) throw new Error('unreachable: a direct key has no proxy');
  const credentials =
    proxy.username !== undefined || proxy.password !== undefined
      ? `${encodeURIComponent(proxy.username ?? '')}:${encodeURIComponent(proxy.password ?? '')}@`
      : '';
  const host = proxy.hostname.includes(':') ? `[${proxy.hostname}]` : proxy.hostname;
  return `${proxy.protocol}//${credentials}${host}:${proxy.port}`;
}

// The agent libraries take the origin's TLS options from each request; these subclasses add the pool's `connect`
// options underneath, so `connect.ca` applies to axios/node:https users as it does to undici ones.
class PoolSocksProxyAgent extends SocksProxyAgent {
  readonly #originTls: TlsOptions;

  constructor(uri: string, originTls: TlsOptions, options: ConstructorParameters<typeof SocksProxyAgent>[1]) {
    super(uri, options);
    this.#originTls = originTls;
  }

  override connect(request: http.ClientRequest, options: AgentConnectOpts) {
    return super.connect(request, { ...this.#originTls, ...options } as AgentConnectOpts);
  }
}

class PoolHttpsProxyAgent extends HttpsProxyAgent<string> {
  readonly #originTls: TlsOptions;

  constructor(uri: string, originTls: TlsOptions, options: ConstructorParameters<typeof HttpsProxyAgent<string>>[1]) {
    super(uri, options);
    this.#originTls = originTls;
  }

  override connect(request: http.ClientRequest, options: AgentConnectOpts) {
    return super.connect(request, { ...this.#originTls, ...options } as AgentConnectOpts);
  }
}

/**
 * A keep-alive Node `http.Agent` for one key, for clients built on node:http(s) (axios, got, the Anthropic SDK's
 * Node transport): `https.Agent` direct, socks-proxy-agent for SOCKS5, https-proxy-agent (CONNECT) for HTTP(S) proxies.
 */
export function createNodeAgent(key: DispatcherKey, options: ResolvedPoolOptions): http.Agent {
  const common = {
    keepAlive: true,
    keepAliveMsecs: 1_000,
    maxSockets: options.connections.max,
    maxFreeSockets: Math.max(1, options.connections.min),
    timeout: options.keepAliveTimeout,
  };
  const proxy = key.proxy;
  if (!proxy) {
    return key.url.protocol === 'https:' ? new https.Agent({ ...common, ...options.connect }) : new http.Agent(common);
  }
  if (proxy.protocol === 'socks5:' || proxy.protocol === 'socks5h:') {
    return new PoolSocksProxyAgent(proxyUrl(key), options.connect, { ...common, timeout: options.connectTimeout });
  }
  return new PoolHttpsProxyAgent(proxyUrl(key), options.connect, { ...common, ...options.proxyTls });
}
