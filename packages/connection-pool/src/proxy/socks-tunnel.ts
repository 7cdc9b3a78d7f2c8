import { lookup } from 'node:dns/promises';
import { isIP, type Socket, connect as tcpConnect } from 'node:net';
import { SocksClient } from 'socks';
import type { ProxyEndpoint } from '../dispatcher-key.js';
import {
  type ConnectionPoolError,
  ProxyAuthError,
  type ProxyError,
  ProxyProtocolError,
  ProxyTargetUnreachableError,
  ProxyTimeoutError,
  ProxyUnreachableError,
  TargetUnreachableError,
} from '../errors.js';
import type { TunnelOptions, TunnelTarget } from './http-connect-tunnel.js';
import { unreachableCodes } from './unreachable-codes.js';

// SOCKS5 replies (RFC 1928 §6) that mean the proxy could not or would not reach the target.
const targetRefusals = [
  'Failure',
  'NotAllowed',
  'NetworkUnreachable',
  'HostUnreachable',
  'ConnectionRefused',
  'TTLExpired',
];

// The socks library reports failures as messages only (and attaches the credentials to the error object), so we
// map the message and never pass its error on.
function handshakeError(proxy: ProxyEndpoint, message: string, replies: Buffer): ProxyError {
  if (message.startsWith('Socks5 Authentication failed') || rejectedCredentials(replies)) {
    return new ProxyAuthError(proxy.redacted, 'the SOCKS5 proxy rejected the username/password');
  }
  if (message.includes('no accepted authentication type')) {
    return new ProxyAuthError(proxy.redacted, 'the SOCKS5 proxy accepts none of the offered authentication methods');
  }
  if (message.startsWith('Socks5 proxy rejected connection')) {
    const reason = message.split(' - ')[1] ?? 'unknown reply';
    if (targetRefusals.includes(reason))
      return new ProxyTargetUnreachableError(proxy.redacted, `SOCKS5 reply ${reason}`);
  }
  return new ProxyProtocolError(proxy.redacted, `SOCKS5 handshake failed: ${message}`);
}

/**
 * Whether the proxy's first replies were "use username/password" (05 02) then a non-zero RFC 1929 status. The socks
 * library misreports this when a proxy sends more than the two status bytes (simple-socks echoes the whole request).
 */
function rejectedCredentials(replies: Buffer): boolean {
  return replies.length >= 4 && replies[0] === 0x05 && replies[1] === 0x02 && replies[2] === 0x01 && replies[3] !== 0;
}

/** Resolves locally for `socks5:` (the proxy gets an IP); `socks5h:` leaves the name to the proxy. */
async function destinationHost(proxy: ProxyEndpoint, hostname: string): Promise<string> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  if (proxy.protocol === 'socks5h:' || isIP(bare) !== 0) return bare;
  return (await lookup(bare)).address;
}

/**
 * Opens a tunnel through a SOCKS5 proxy (username/password auth when the URL has credentials). We open the TCP
 * connection ourselves so that a refused or unreachable proxy keeps its system error code, then let the `socks`
 * library (the engine of socks-proxy-agent) run the handshake on it. Resolves with the raw tunnel socket.
 */
export function openSocksTunnel(proxy: ProxyEndpoint, target: TunnelTarget, options: TunnelOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let settled = false;
    let socket: Socket | undefined;
    const settle = (error: ConnectionPoolError | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error || !socket) {
        socket?.destroy();
        reject(error);
        return;
      }
      resolve(socket);
    };
    const timer = setTimeout(() => settle(new ProxyTimeoutError(proxy.redacted, options.timeout)), options.timeout);
    timer.unref();

    destinationHost(proxy, target.hostname).then(
      (host) => {
        if (settled) return;
        socket = tcpConnect({ host: proxy.hostname, port: proxy.port });
        const onTcpError = (error: NodeJS.ErrnoException) => {
          const code = error.code ?? 'error';
          settle(
            unreachableCodes.has(code)
              ? new ProxyUnreachableError(proxy.redacted, `${code}: ${error.message}`, { cause: error })
              : new ProxyProtocolError(proxy.redacted, `${code} before the SOCKS5 handshake: ${error.message}`, {
                  cause: error,
                }),
          );
        };
        socket.once('error', onTcpError);
        socket.once('connect', () => {
          if (settled || !socket) return;
          socket.off('error', onTcpError);
          // Keep the first reply bytes to tell an authentication failure apart (see rejectedCredentials).
          let replies = Buffer.alloc(0);
          const onReply = (chunk: Buffer) => {
            replies = Buffer.concat([replies, chunk]).subarray(0, 4);
          };
          socket.on('data', onReply);
          SocksClient.createConnection(
            {
              proxy: {
                host: proxy.hostname,
                port: proxy.port,
                type: 5,
                ...(proxy.username !== undefined ? { userId: proxy.username } : {}),
                ...(proxy.password !== undefined ? { password: proxy.password } : {}),
              },
              command: 'connect',
              destination: { host, port: target.port },
              existing_socket: socket,
              timeout: Math.max(1, options.timeout - (Date.now() - started)),
            },
            (error) => {
              socket?.off('data', onReply);
              if (error) {
                settle(
                  error.message === 'Proxy connection timed out'
                    ? new ProxyTimeoutError(proxy.redacted, options.timeout)
                    : handshakeError(proxy, error.message, replies),
                );
              } else settle(undefined);
            },
          );
        });
      },
      (error: NodeJS.ErrnoException) =>
        settle(
          new TargetUnreachableError(target.hostname, `cannot resolve the name: ${error.message}`, error.code, {
            cause: error,
          }),
        ),
    );
  });
}
