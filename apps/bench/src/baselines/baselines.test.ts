import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtFile } from '../built-file.js';
import { type ChildServer, startChildServer } from '../child-server.js';

// A real upstream whose stream only continues once the client has seen its first event: a proxy that buffers
// the response would never deliver that event, and the test would time out instead of passing.
let upstream: Server;
let upstreamOrigin: string;
let firstEventSeen: () => void = () => {};

beforeAll(async () => {
  upstream = createServer((incoming, outgoing) => {
    let body = '';
    incoming.setEncoding('utf8').on('data', (chunk: string) => {
      body += chunk;
    });
    incoming.on('end', () => {
      if (incoming.url === '/v1/messages?stream') {
        outgoing.writeHead(200, { 'content-type': 'text/event-stream', 'request-id': 'req_stream' });
        outgoing.write('event: message_start\ndata: {}\n\n');
        new Promise<void>((resolve) => {
          firstEventSeen = resolve;
        }).then(() => outgoing.end('event: message_stop\ndata: {}\n\n'));
        return;
      }
      if (incoming.url === '/v1/messages?limited') {
        outgoing.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
        outgoing.end('{"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}');
        return;
      }
      outgoing.writeHead(200, { 'content-type': 'application/json', 'request-id': 'req_echo' });
      outgoing.end(
        JSON.stringify({ method: incoming.method, url: incoming.url, key: incoming.headers['x-api-key'], body }),
      );
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamOrigin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise((resolve) => upstream.close(resolve));
});

describe.each([
  ['bare node:http + undici passthrough', 'baselines/bare-passthrough.js'],
  ['@fastify/http-proxy', 'baselines/fastify-http-proxy.js'],
])('%s, in its own child process', (_name, script) => {
  let proxy: ChildServer;
  beforeAll(async () => {
    proxy = await startChildServer({ script: builtFile(script), args: ['--upstream', upstreamOrigin] });
  });
  afterAll(async () => {
    await proxy?.stop();
  });

  it('forwards method, path, headers and body, and returns status, headers and body', async () => {
    const body = JSON.stringify({ model: 'claude-test', messages: [{ role: 'user', content: 'héllo' }] });
    const response = await request(`${proxy.origin}/v1/messages?beta=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'client-key' },
      body,
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['request-id']).toBe('req_echo');
    expect(await response.body.json()).toEqual({
      method: 'POST',
      url: '/v1/messages?beta=true',
      key: 'client-key',
      body,
    });
  });

  it('streams the response as it comes instead of buffering it', async () => {
    const response = await request(`${proxy.origin}/v1/messages?stream`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"stream":true}',
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream');
    let text = '';
    for await (const chunk of response.body) {
      text += (chunk as Buffer).toString('utf8');
      if (text.includes('message_start')) firstEventSeen();
    }
    expect(text).toBe('event: message_start\ndata: {}\n\nevent: message_stop\ndata: {}\n\n');
  });

  it('passes an upstream error through with its status, headers and body', async () => {
    const response = await request(`${proxy.origin}/v1/messages?limited`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.statusCode).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(await response.body.json()).toMatchObject({ error: { type: 'rate_limit_error' } });
  });

  it('stops when asked', async () => {
    const running = await startChildServer({ script: builtFile(script), args: ['--upstream', upstreamOrigin] });
    await running.stop();
    expect(running.process.exitCode ?? running.process.signalCode).not.toBeNull();
    await expect(request(running.origin)).rejects.toThrow();
  });
});

describe('startChildServer', () => {
  it('rejects with the child stderr when it exits before listening', async () => {
    await expect(startChildServer({ script: builtFile('baselines/bare-passthrough.js'), args: [] })).rejects.toThrow(
      /exited with 1 before listening:[\s\S]*--upstream URL is required/,
    );
  });
});
