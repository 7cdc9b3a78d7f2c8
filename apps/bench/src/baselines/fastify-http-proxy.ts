#!/usr/bin/env node
import proxy from '@fastify/http-proxy';
import Fastify from 'fastify';
import { announceListening } from '../child-server.js';
import { parseServerArguments } from '../server-arguments.js';

// The off-the-shelf contender: Fastify with @fastify/http-proxy (reply-from over undici), as its README sets it
// up, with the body limit raised to the upstream's 32 MiB so that it accepts what the API accepts.
const { upstream, port, host } = parseServerArguments(process.argv.slice(2));
const app = Fastify({ logger: false, bodyLimit: 32 * 1024 * 1024 });
await app.register(proxy, { upstream: upstream.origin });
await app.listen({ port, host });

const address = app.server.address();
announceListening(typeof address === 'object' && address ? address.port : port);
process.once('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
