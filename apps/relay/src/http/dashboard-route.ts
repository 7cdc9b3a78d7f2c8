import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ApiError } from './api-error.js';
import type { RouteHandler } from './app-services.js';

/** The path the console is served under. */
export const dashboardPrefix = '/dashboard';

// The console is built to need nothing but its own origin: no inline script or style, no CDN, no frames.
export const dashboardSecurityHeaders: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; font-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
};

const contentTypes: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};
const compressible = new Set(['.html', '.js', '.css', '.svg', '.json', '.txt']);
// A built console is a few files of a few hundred KB; anything far bigger is not one.
const maximumFiles = 200;
const maximumTotalBytes = 20 * 1024 * 1024;

/** One file of the built console, held in memory with its gzip form. */
export interface DashboardFile {
  readonly body: Buffer;
  readonly gzip: Buffer | undefined;
  readonly contentType: string;
  /** Hashed asset names never change content: cache them for a year; index.html must be revalidated. */
  readonly cacheControl: string;
}

/** The console's files by URL path (`/dashboard/assets/index-1a2b.js`), or undefined when it is not built. */
export type DashboardFiles = ReadonlyMap<string, DashboardFile> | undefined;

/** Where @relay/dashboard's build output is, or undefined when the package is not installed. */
export function dashboardDirectory(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('@relay/dashboard/package.json')), 'dist');
  } catch {
    return undefined;
  }
}

/**
 * Reads every file of the built console once. The route then serves from this table only: a request path is
 * a key to look up, never a path joined onto the file system, so no `..`, encoding or symlink can leave it.
 */
export function loadDashboardFiles(directory: string | undefined): DashboardFiles {
  if (directory === undefined) return undefined;
  let index: ReturnType<typeof statSync> | undefined;
  try {
    index = statSync(join(directory, 'index.html'));
  } catch {
    return undefined;
  }
  if (!index.isFile()) return undefined;
  const files = new Map<string, DashboardFile>();
  let totalBytes = 0;
  for (const relative of filesUnder(directory, '')) {
    if (files.size >= maximumFiles) break;
    const body = readFileSync(join(directory, relative));
    totalBytes += body.length;
    if (totalBytes > maximumTotalBytes) break;
    const extension = extname(relative).toLowerCase();
    const gzip = compressible.has(extension) ? gzipSync(body, { level: 9 }) : undefined;
    files.set(`${dashboardPrefix}/${relative}`, {
      body,
      gzip: gzip && gzip.length < body.length ? gzip : undefined,
      contentType: contentTypes[extension] ?? 'application/octet-stream',
      cacheControl: relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
  }
  return files;
}

/** The file a request path names: `/dashboard` and `/dashboard/` are the console's index.html. */
export function dashboardFileFor(files: ReadonlyMap<string, DashboardFile>, path: string): DashboardFile | undefined {
  if (path === dashboardPrefix || path === `${dashboardPrefix}/`) return files.get(`${dashboardPrefix}/index.html`);
  return files.get(path);
}

/** `GET /dashboard[/…]`: the built console, or a 404 that says how to build it. */
export function dashboardRoute(files: DashboardFiles): RouteHandler {
  return async (request, response, log) => {
    if (!files) {
      throw new ApiError(
        404,
        'not_found_error',
        'the dashboard is not built: run `pnpm build` (or `pnpm --filter @relay/dashboard build`) and restart the relay',
      );
    }
    const path = (request.url ?? '').split('?')[0] ?? '';
    const file = dashboardFileFor(files, path);
    if (!file) throw new ApiError(404, 'not_found_error', 'no such file in the dashboard');
    const gzip = file.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? '')) ? file.gzip : undefined;
    const body = gzip ?? file.body;
    response.writeHead(200, {
      ...dashboardSecurityHeaders,
      'content-type': file.contentType,
      'content-length': String(body.length),
      'cache-control': file.cacheControl,
      vary: 'accept-encoding',
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      'request-id': log.requestId,
    });
    response.end(body);
  };
}

/** Relative paths (with `/`) of the regular files under `directory`; symlinks and dot files are left out. */
function filesUnder(root: string, relative: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const path = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) found.push(...filesUnder(root, path));
    else if (entry.isFile()) found.push(path);
  }
  return found.sort();
}
