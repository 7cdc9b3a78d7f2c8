import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createMockAnthropic, type MockAnthropic } from '@relay/mock-anthropic';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardRoute, loadDashboardFiles } from '../src/http/dashboard-route.js';
import type { RequestLog } from '../src/http/request-log.js';
import { type RelayProcess, startRelayProcess, stopAllRelays } from './relay-process.js';

/** A raw GET: the path goes out byte for byte (fetch would resolve `..` first). */
function get(
  url: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const outgoing = httpRequest({ host: target.hostname, port: target.port, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
    });
    outgoing.on('error', reject);
    outgoing.end();
  });
}

describe('GET /dashboard on a relay process', () => {
  let mock: MockAnthropic;
  let relay: RelayProcess;

  beforeAll(async () => {
    mock = await createMockAnthropic();
    relay = await startRelayProcess({ upstream: { baseUrl: mock.url }, accounts: [{ id: 'a', apiKey: 'sk-ant-a' }] });
  });
  afterAll(async () => {
    await stopAllRelays();
    await mock.close();
  });

  it('serves the console with a strict content-security-policy', async () => {
    for (const path of ['/dashboard', '/dashboard/', '/dashboard/index.html']) {
      const response = await get(relay.url, path);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      const policy = String(response.headers['content-security-policy']);
      expect(policy).toContain("default-src 'self'");
      expect(policy).toContain("script-src 'self'");
      expect(policy).not.toContain('unsafe-inline');
      expect(policy).not.toContain('unsafe-eval');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['cache-control']).toBe('no-cache');
      const html = response.body.toString('utf8');
      // No inline script: every <script> has a src on the relay itself.
      expect(html).toMatch(/<script type="module" crossorigin src="\/dashboard\/assets\/[\w-]+\.js"><\/script>/);
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      expect(html).not.toMatch(/https?:\/\//);
    }
  });

  it('serves the hashed assets, gzipped when asked, cached for good', async () => {
    const html = (await get(relay.url, '/dashboard/')).body.toString('utf8');
    const script = /src="(\/dashboard\/assets\/[\w-]+\.js)"/.exec(html)?.[1] as string;
    const plain = await get(relay.url, script);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const zipped = await get(relay.url, script, { 'accept-encoding': 'gzip, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body).equals(plain.body)).toBe(true);
    expect(zipped.headers['content-security-policy']).toBeDefined();
  });

  it.each([
    '/dashboard/../package.json',
    '/dashboard/../../../package.json',
    '/dashboard/..%2f..%2fpackage.json',
    '/dashboard/%2e%2e/%2e%2e/package.json',
    '/dashboard/assets/../../../../../../etc/passwd',
    '/dashboard//etc/passwd',
    '/dashboard/%2fetc%2fpasswd',
    '/dashboard/..\\..\\package.json',
    '/dashboard/index.html%00.js',
    '/dashboard/.',
    '/dashboard/assets',
    '/dashboard/assets/',
    '/dashboard/%69ndex.html',
    '/dashboard/INDEX.HTML',
    '/dashboardx',
  ])('answers 404 for %s and serves nothing outside the console', async (path) => {
    const response = await get(relay.url, path);
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body.toString('utf8')).error.type).toBe('not_found_error');
  });

  it('leaves the other routes as they were', async () => {
    expect((await get(relay.url, '/healthz')).status).toBe(200);
    expect((await get(relay.url, '/admin/stats')).status).toBe(401);
  });
});

describe('the dashboard route without a built console', () => {
  let server: Server;
  let url: string;
  const serve = (files: ReturnType<typeof loadDashboardFiles>) => {
    const handler = dashboardRoute(files);
    return createServer((request, response) => {
      handler(request, response, { requestId: 'req_test' } as RequestLog, {
        name: 'dashboard',
        parameter: undefined,
      }).catch((error: { statusCode: number; message: string }) => {
        response.writeHead(error.statusCode, { 'content-type': 'text/plain' });
        response.end(error.message);
      });
    });
  };

  afterAll(() => server?.close());

  it.each([
    ['no directory at all', undefined],
    ['a missing directory', join(tmpdir(), 'relay-dashboard-missing', String(Math.random()))],
    ['a directory without index.html', mkdtempSync(join(tmpdir(), 'relay-dashboard-empty-'))],
  ])('loads nothing from %s', (_name, directory) => {
    expect(loadDashboardFiles(directory)).toBeUndefined();
  });

  it('answers 404 and says how to build it', async () => {
    server = serve(undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const response = await get(url, '/dashboard');
    expect(response.status).toBe(404);
    expect(response.body.toString('utf8')).toContain('the dashboard is not built: run `pnpm build`');
  });

  it('serves only the regular files it found: no symlink, no dot file', () => {
    const directory = mkdtempSync(join(tmpdir(), 'relay-dashboard-built-'));
    mkdirSync(join(directory, 'assets'));
    writeFileSync(join(directory, 'index.html'), '<!doctype html>');
    writeFileSync(join(directory, 'assets', 'app-1.js'), 'export {};');
    writeFileSync(join(directory, '.env'), 'SECRET=1');
    symlinkSync('/etc/passwd', join(directory, 'assets', 'passwd.js'));
    const files = loadDashboardFiles(directory);
    expect([...(files?.keys() ?? [])]).toEqual(['/dashboard/assets/app-1.js', '/dashboard/index.html']);
  });
});
