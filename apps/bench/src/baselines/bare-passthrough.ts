#!/usr/bin/env node
import { createServer, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { pipeline } from 'node:stream';
import { Agent, type Dispatcher } from 'undici';
import { announceListening } from '../child-server.js';
import { parseServerArguments } from '../server-arguments.js';

// The floor a Node relay can reach: node:http in, undici out over kept-alive connections, the request body
// buffered (a relay must read it to route it), the response streamed back. No auth, no sessions, no metrics.
const { upstream, port, host } = parseServerArguments(process.argv.slice(2));
const dispatcher = new Agent({ keepAliveTimeout: 30_000 });

// Hop-by-hop headers (RFC 9110 §7.6.1) plus the ones undici and node:http compute themselves.
const notForwarded = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
]);

function forwardable(
  headers: IncomingHttpHeaders | Record<string, string | string[] | undefined>,
): OutgoingHttpHeaders {
  const kept: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined && !notForwarded.has(name)) kept[name] = value;
  }
  return kept;
}

function fail(outgoing: ServerResponse, error: Error): void {
  if (outgoing.headersSent) {
    outgoing.destroy(error);
    return;
  }
  outgoing.writeHead(502, { 'content-type': 'application/json' });
  outgoing.end(JSON.stringify({ type: 'error', error: { type: 'api_error', message: error.message } }));
}

// Plain events and callbacks rather than async iteration and promises: this is the floor, so no avoidable cost.
const server = createServer((incoming, outgoing) => {
  const chunks: Buffer[] = [];
  incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
  incoming.on('error', (error) => fail(outgoing, error));
  incoming.on('end', () => {
    dispatcher.request(
      {
        origin: upstream.origin,
        path: incoming.url ?? '/',
        method: incoming.method as Dispatcher.HttpMethod,
        headers: forwardable(incoming.headers) as Record<string, string>,
        body: chunks.length === 0 ? null : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
      },
      (error, upstreamResponse) => {
        if (error) {
          fail(outgoing, error);
          return;
        }
        outgoing.writeHead(upstreamResponse.statusCode, forwardable(upstreamResponse.headers));
        pipeline(upstreamResponse.body, outgoing, () => {});
      },
    );
  });
});
server.keepAliveTimeout = 30_000;

server.listen(port, host, () => {
  const address = server.address();
  announceListening(typeof address === 'object' && address ? address.port : port);
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
