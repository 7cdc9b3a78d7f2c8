import http from 'node:http';
import https from 'node:https';
import { isIPv6, type Socket } from 'node:net';
import type { ProxyEndpoint } from '../dispatcher-key.js';
import {
  ProxyAuthError,
  type ProxyError,
  ProxyProtocolError,
  ProxyTargetUnreachableError,
  ProxyTimeoutError,
  ProxyUnreachableError,
} from '../errors.js';
import type { TlsOptions } from '../pool-options.js';
import { unreachableCodes } from './unreachable-codes.js';

/** Where a tunnel leads: the origin's host name (or IP) and port. */
export interface TunnelTarget {
  hostname: string;
  port: number;
}

/** How a tunnel is opened. */
export interface TunnelOptions {
  /** Bound of the whole exchange (TCP, TLS to an https:// proxy, CONNECT), ms. */
  timeout: number;
  /** TLS options to an https:// proxy. */
  proxyTls: TlsOptions;
}

/** `host:port` as a CONNECT request target (IPv6 literals in brackets). */
export function authorityOf(target: TunnelTarget): string {
  const hostname = target.hostname.replace(/^\[|\]$/g, '');
  return `${isIPv6(hostname) ? `[${hostname}]` : hostname}:${target.port}`;
}

function statusError(proxy: ProxyEndpoint, statusCode: number): ProxyError {
  // tinyproxy answers a bad Proxy-Authorization with 401; a CONNECT never reaches an origin, so both mean us.
  if (statusCode === 407 || statusCode === 401)
    return new ProxyAuthError(proxy.redacted, `CONNECT answered HTTP ${statusCode}`);
  if (statusCode >= 400 && statusCode < 600) {
    return new ProxyTargetUnreachableError(proxy.redacted, `CONNECT answered HTTP ${statusCode}`);
  }
  return new ProxyProtocolError(proxy.redacted, `CONNECT answered HTTP ${statusCode}`);
}

function socketError(proxy: ProxyEndpoint, error: NodeJS.ErrnoException): ProxyError {
  const code = error.code ?? '';
  if (unreachableCodes.has(code) || code.startsWith('ERR_TLS') || code.includes('CERT')) {
    return new ProxyUnreachableError(proxy.redacted, `${code || 'error'}: ${error.message}`, { cause: error });
  }
  return new ProxyProtocolError(proxy.redacted, `${code || 'error'} before the CONNECT reply: ${error.message}`, {
    cause: error,
  });
}

/**
 * Opens a tunnel through an HTTP(S) proxy with `CONNECT host:port`, sending Basic credentials when the proxy URL has
 * them. Node's own HTTP client parses the reply (it hands back the socket for any status), so a 407 is told apart
 * from a 403 or a 502. Resolves with the raw tunnel socket; TLS to the origin is the caller's next step.
 */
export function openHttpConnectTunnel(
  proxy: ProxyEndpoint,
  target: TunnelTarget,
  options: TunnelOptions,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const authority = authorityOf(target);
    const headers: http.OutgoingHttpHeaders = { host: authority };
    if (proxy.username !== undefined || proxy.password !== undefined) {
      const token = Buffer.from(`${proxy.username ?? ''}:${proxy.password ?? ''}`).toString('base64');
      headers['proxy-authorization'] = `Basic ${token}`;
    }
    const requestOptions: https.RequestOptions = {
      host: proxy.hostname,
      port: proxy.port,
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false,
      setHost: false,
    };
    const request =
      proxy.protocol === 'https:'
        ? https.request({ ...requestOptions, ...options.proxyTls })
        : http.request(requestOptions);
    let settled = false;
    const settle = (error: ProxyError | undefined, socket?: Socket) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        request.destroy();
        reject(error);
      } else if (socket) resolve(socket);
    };
    const timer = setTimeout(() => settle(new ProxyTimeoutError(proxy.redacted, options.timeout)), options.timeout);
    timer.unref();
    request.once('connect', (response: http.IncomingMessage, socket: Socket, head: Buffer) => {
      if (response.statusCode !== 200) {
        socket.destroy();
        settle(statusError(proxy, response.statusCode ?? 0));
        return;
      }
      if (settled) {
        socket.destroy();
        return;
      }
      // Bytes the origin sent right after the reply belong to the tunnel.
      if (head.length > 0) socket.unshift(head);
      settle(undefined, socket);
    });
    request.on('error', (error: NodeJS.ErrnoException) => settle(socketError(proxy, error)));
    request.end();
  });
}
