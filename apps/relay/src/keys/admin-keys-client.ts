import type { KeyView } from './key-view.js';

/** What `POST /admin/keys` takes (times as ISO 8601 or epoch ms). */
export interface CreateKeyRequest {
  id: string;
  userId?: string;
  models?: readonly string[];
  expiresAt?: string | number;
  limits?: unknown;
}

/** A call of the admin API that failed: the relay's answer (status and its message) or why it could not be reached. */
export class AdminApiError extends Error {
  readonly code = 'RELAY_ERR_ADMIN_API' as const;
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/** The admin keys API of a running relay, as the `relay keys` command calls it. */
export class AdminKeysClient {
  constructor(
    readonly url: string,
    readonly adminToken: string,
  ) {}

  async create(request: CreateKeyRequest): Promise<KeyView & { key: string }> {
    return (await this.#call('POST', '/admin/keys', request)) as KeyView & { key: string };
  }

  async list(): Promise<KeyView[]> {
    return ((await this.#call('GET', '/admin/keys')) as { data: KeyView[] }).data;
  }

  async revoke(id: string): Promise<void> {
    await this.#call('DELETE', `/admin/keys/${encodeURIComponent(id)}`);
  }

  async #call(method: string, path: string, body?: unknown): Promise<unknown> {
    return await callAdminApi(this.url, this.adminToken, method, path, body);
  }
}

/**
 * One call of a running relay's admin API (`relay keys`, `relay usage`): the parsed JSON answer, or an
 * `AdminApiError` naming the relay's status and message, or why it could not be reached.
 */
export async function callAdminApi(
  url: string,
  adminToken: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(new URL(path, url), {
      method,
      headers: {
        authorization: `Bearer ${adminToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
    throw new AdminApiError(
      `cannot reach the relay's admin API at ${url} (${cause}): is the relay running? (--url URL)`,
      undefined,
    );
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AdminApiError(
      `the relay at ${url} answered ${response.status} with a body that is not JSON`,
      response.status,
    );
  }
  if (!response.ok) {
    const message = (parsed as { error?: { message?: unknown } }).error?.message;
    throw new AdminApiError(
      `the relay answered ${response.status}: ${typeof message === 'string' ? message : 'an error'}`,
      response.status,
    );
  }
  return parsed;
}
