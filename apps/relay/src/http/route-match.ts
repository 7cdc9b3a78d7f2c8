/** The relay's routes, by name. */
export type RouteName =
  | 'root'
  | 'healthz'
  | 'readyz'
  | 'metrics'
  | 'admin-stats'
  | 'admin-sessions'
  | 'admin-accounts'
  | 'admin-account-enable'
  | 'admin-keys'
  | 'admin-key-create'
  | 'admin-key'
  | 'admin-key-update'
  | 'admin-key-revoke'
  | 'admin-usage'
  | 'messages'
  | 'count-tokens'
  | 'models'
  | 'model'
  | 'dashboard';

/** A matched route and, for the routes with one, its path parameter (percent-decoded). */
export interface RouteMatch {
  readonly name: RouteName;
  readonly parameter: string | undefined;
}

// Exact paths only: no decoding, no slash or case folding, so `/v1/../admin/stats`, `//admin/stats` or
// `/ADMIN/stats` match nothing. A GET route also answers HEAD (node:http sends no body for HEAD).
const exactRoutes = new Map<string, RouteMatch>(
  (
    [
      ['GET /', 'root'],
      ['GET /healthz', 'healthz'],
      ['GET /readyz', 'readyz'],
      ['GET /metrics', 'metrics'],
      ['GET /admin/stats', 'admin-stats'],
      ['GET /admin/sessions', 'admin-sessions'],
      ['GET /admin/accounts', 'admin-accounts'],
      ['GET /admin/keys', 'admin-keys'],
      ['POST /admin/keys', 'admin-key-create'],
      ['GET /admin/usage', 'admin-usage'],
      ['POST /v1/messages', 'messages'],
      ['POST /v1/messages/count_tokens', 'count-tokens'],
      ['GET /v1/models', 'models'],
    ] as const
  ).map(([key, name]) => [key, { name, parameter: undefined }]),
);

const modelPrefix = '/v1/models/';
const adminAccountPrefix = '/admin/accounts/';
const enableSuffix = '/enable';
const adminKeyPrefix = '/admin/keys/';
const adminKeyRoutes = new Map<string, RouteName>([
  ['GET', 'admin-key'],
  ['PATCH', 'admin-key-update'],
  ['DELETE', 'admin-key-revoke'],
]);
// A longer path parameter is no id of ours (and no model's).
const maximumParameterLength = 100;

/** The route of a request, or undefined (404) when none matches its method and path. */
export function matchRoute(method: string | undefined, path: string): RouteMatch | undefined {
  const routeMethod = method === 'HEAD' ? 'GET' : method;
  const exact = exactRoutes.get(`${routeMethod} ${path}`);
  if (exact) return exact;
  if (routeMethod === 'GET' && (path === '/dashboard' || path.startsWith('/dashboard/'))) {
    return { name: 'dashboard', parameter: undefined };
  }
  if (routeMethod === 'GET' && path.startsWith(modelPrefix)) {
    const parameter = segmentParameter(path.slice(modelPrefix.length));
    return parameter === undefined ? undefined : { name: 'model', parameter };
  }
  if (routeMethod === 'POST' && path.startsWith(adminAccountPrefix) && path.endsWith(enableSuffix)) {
    const parameter = segmentParameter(path.slice(adminAccountPrefix.length, path.length - enableSuffix.length));
    return parameter === undefined ? undefined : { name: 'admin-account-enable', parameter };
  }
  const keyRoute = routeMethod === undefined ? undefined : adminKeyRoutes.get(routeMethod);
  if (keyRoute && path.startsWith(adminKeyPrefix)) {
    const parameter = segmentParameter(path.slice(adminKeyPrefix.length));
    return parameter === undefined ? undefined : { name: keyRoute, parameter };
  }
  return undefined;
}

/** The decoded value of one path segment; undefined when empty, too long, not one segment, or a dot segment. */
function segmentParameter(raw: string): string | undefined {
  if (raw.length === 0 || raw.length > maximumParameterLength || raw.includes('/')) return undefined;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return undefined;
  }
  if (decoded === '.' || decoded === '..' || decoded.includes('/')) return undefined;
  return decoded;
}

/** The path of a request target: everything before its query. */
export function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}
