import type { Socket } from 'node:net';
import { buildConnector } from 'undici';
import type { DispatcherKey } from './dispatcher-key.js';
import type { ResolvedPoolOptions } from './pool-options.js';
import { openHttpConnectTunnel, type TunnelOptions } from './proxy/http-connect-tunnel.js';
import { openSocksTunnel } from './proxy/socks-tunnel.js';

/** undici's `connect` hook: opens one socket (TCP, tunnel, TLS) to the origin named in `options`. */
export type SocketConnector = buildConnector.connector;

/** Opens one connected socket with a connector, as a promise. */
export function openSocket(connector: SocketConnector, url: URL): Promise<Socket> {
  return new Promise((resolve, reject) => {
    connector({ hostname: url.hostname, host: url.host, protocol: url.protocol, port: url.port }, (error, socket) => {
      if (error) reject(error);
      else resolve(socket);
    });
  });
}

/**
 * The connector of one key. Direct: undici's own (TCP, TLS with session resumption). Through a proxy: a CONNECT or
 * SOCKS5 tunnel first, then, for https origins, undici's connector runs TLS to the origin inside the tunnel
 * (`httpSocket`), so the proxy sees only ciphertext and the origin's certificate is checked as usual.
 */
export function createSocketConnector(key: DispatcherKey, options: ResolvedPoolOptions): SocketConnector {
  const tlsConnector = buildConnector({ ...options.connect, timeout: options.connectTimeout });
  const proxy = key.proxy;
  if (!proxy) return tlsConnector;
  const openTunnel =
    proxy.protocol === 'socks5:' || proxy.protocol === 'socks5h:' ? openSocksTunnel : openHttpConnectTunnel;
  const tunnelOptions: TunnelOptions = { timeout: options.connectTimeout, proxyTls: options.proxyTls };
  return (connectOptions, callback) => {
    const https = connectOptions.protocol === 'https:';
    const port = Number(connectOptions.port) || (https ? 443 : 80);
    openTunnel(proxy, { hostname: connectOptions.hostname, port }, tunnelOptions).then(
      (tunnel) => {
        tunnel.setNoDelay(true);
        if (!https) {
          callback(null, tunnel);
          return;
        }
        tlsConnector({ ...connectOptions, httpSocket: tunnel }, (error, socket) => {
          if (error) {
            tunnel.destroy();
            callback(error, null);
          } else callback(null, socket);
        });
      },
      (error: Error) => callback(error, null),
    );
  };
}
