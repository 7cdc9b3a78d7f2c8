#!/usr/bin/env node
import { createServer } from 'node:http';

// Until the relay is built (see the relay issue), this start command runs the one real thing it has:
// a server that answers its health routes and tells every API client, in the Anthropic error shape,
// that forwarding is not available yet.
const host = process.env.RELAY_HOST ?? '127.0.0.1';
const port = Number(process.env.RELAY_PORT ?? 3000);

const server = createServer((request, response) => {
  if (request.url === '/healthz' || request.url === '/') {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(request.method === 'HEAD' ? undefined : JSON.stringify({ status: 'ok' }));
    return;
  }
  response.writeHead(503, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      type: 'error',
      error: { type: 'api_error', message: 'this build of the relay does not forward requests yet' },
    }),
  );
});

server.listen(port, host, () => {
  console.log(
    `relay (foundation build): listening on http://${host}:${port} — /healthz answers; forwarding is not built yet`,
  );
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => server.close(() => process.exit(0)));
}
