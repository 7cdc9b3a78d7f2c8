import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoadGenerator } from './load-generator.js';

let server: Server;
let origin: string;
let generator: LoadGenerator;
const received = { ok: 0, fail: 0, bodies: new Set<string>() };

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8').on('data', (chunk: string) => {
      body += chunk;
    });
    request.on('end', () => {
      received.bodies.add(`${request.method} ${request.headers['x-api-key']} ${body}`);
      if (request.url === '/fail') {
        received.fail += 1;
        response.writeHead(500).end('{"type":"error"}');
        return;
      }
      received.ok += 1;
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  generator = new LoadGenerator();
});

afterAll(async () => {
  await generator.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const request = {
  method: 'POST' as const,
  path: '/ok',
  headers: { 'content-type': 'application/json', 'x-api-key': 'bench-key' },
  body: '{"hello":"world"}',
};

describe('LoadGenerator (in a worker thread)', () => {
  it('keeps the connections busy for the duration and reports what the server saw', async () => {
    const before = received.ok;
    const result = await generator.throughput({ origin, request, connections: 4, durationSeconds: 1 });
    expect(result.responses).toBeGreaterThan(0);
    expect(result.responses).toBeLessThanOrEqual(received.ok - before);
    expect(result.requestsPerSecond).toBeCloseTo(result.responses / result.durationSeconds, 6);
    expect(result).toMatchObject({ errors: 0, timeouts: 0, non2xx: 0 });
    expect(result.latencyP99Ms).toBeGreaterThanOrEqual(result.latencyP50Ms);
    expect(received.bodies).toContain('POST bench-key {"hello":"world"}');
  });

  it('sends an exact number of requests when asked, and counts responses outside 2xx by status', async () => {
    const before = received.fail;
    const result = await generator.throughput({
      origin,
      request: { ...request, path: '/fail' },
      connections: 2,
      requests: 40,
    });
    expect(received.fail - before).toBe(40);
    expect(result.responses).toBe(40);
    expect(result.non2xx).toBe(40);
    expect(result.statusCounts).toEqual({ '500': 40 });
    expect(result.requestsPerSecond).toBeGreaterThan(0);
  });

  it('refuses a run that is neither timed nor counted', async () => {
    await expect(generator.throughput({ origin, request, connections: 2 })).rejects.toThrow(/exactly one of/);
    await expect(generator.throughput({ origin, request, connections: 8, requests: 4 })).rejects.toThrow(
      /at least connections/,
    );
  });

  it('times single requests one after the other, warm-up excluded', async () => {
    const before = received.ok;
    const result = await generator.latency({ origin, request, samples: 25, warmup: 5 });
    expect(received.ok - before).toBe(30);
    expect(result.count).toBe(25);
    expect(result.non2xx).toBe(0);
    expect(result.min).toBeGreaterThan(0);
    expect(result.min).toBeLessThanOrEqual(result.p50);
    expect(result.p50).toBeLessThanOrEqual(result.p99);
    expect(result.p99).toBeLessThanOrEqual(result.max);
  });

  it('reports a refused connection as a rejected promise, and stays usable', async () => {
    await expect(generator.latency({ origin: 'http://127.0.0.1:1', request, samples: 1, warmup: 0 })).rejects.toThrow(
      /load generator: .*ECONNREFUSED/,
    );
    await expect(generator.latency({ origin, request, samples: 2, warmup: 0 })).resolves.toMatchObject({ count: 2 });
  });
});
