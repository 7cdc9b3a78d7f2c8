import type { CreateKeyBody } from './key-form.js';
import { type KeyStats, keysOf } from './key-view.js';
import type { AccountStats, RelayStats, SessionStats } from './relay-stats.js';
import { type UsageDimension, type UsageRow, usageRowsOf } from './usage-rows.js';

/** The admin API refused or failed a call; `status` 0 when the relay could not be reached. */
export class AdminApiError extends Error {
  readonly code = 'RELAY_ERR_DASHBOARD_ADMIN_API';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }

  /** The token itself was refused (missing, wrong, or the admin API is off). */
  get refusedToken(): boolean {
    return this.status === 401 || this.status === 403;
  }

  /** The relay has no such route (an older relay, or a feature it was built without). */
  get notThere(): boolean {
    return this.status === 404;
  }
}

/** Which admin find to run. */
export type SessionFilter = 'userId' | 'apiKeyId' | 'accountId';

/** Calls the relay's admin API with the token as a bearer header (never in the URL). */
export class AdminClient {
  constructor(readonly token: string) {}

  stats(): Promise<RelayStats> {
    return this.#json<RelayStats>('GET', '/admin/stats');
  }

  async sessions(filter: SessionFilter, value: string): Promise<SessionStats[]> {
    const query = new URLSearchParams({ [filter]: value });
    const answer = await this.#json<{ data: SessionStats[] }>('GET', `/admin/sessions?${query}`);
    return answer.data;
  }

  async accounts(): Promise<AccountStats[]> {
    return (await this.#json<{ data: AccountStats[] }>('GET', '/admin/accounts')).data;
  }

  enableAccount(id: string): Promise<unknown> {
    return this.#json('POST', `/admin/accounts/${encodeURIComponent(id)}/enable`);
  }

  async keys(): Promise<KeyStats[]> {
    return keysOf(await this.#json<unknown>('GET', '/admin/keys'));
  }

  /** One key, with the limiter's view of its use against each limit when the relay has one. */
  key(id: string): Promise<KeyStats> {
    return this.#json('GET', `/admin/keys/${encodeURIComponent(id)}`);
  }

  /** Creates a key; the answer carries the key itself, shown once. */
  createKey(body: CreateKeyBody): Promise<{ id: string; key: string }> {
    return this.#json('POST', '/admin/keys', body);
  }

  revokeKey(id: string): Promise<unknown> {
    return this.#json('DELETE', `/admin/keys/${encodeURIComponent(id)}`);
  }

  /** Ledger rows from `from` to `to` (UTC days, `YYYY-MM-DD`, inclusive), grouped by `groupBy`. */
  async usage(query: { groupBy: readonly UsageDimension[]; from: string; to: string }): Promise<UsageRow[]> {
    const parameters = new URLSearchParams({ groupBy: query.groupBy.join(','), from: query.from, to: query.to });
    return usageRowsOf(await this.#json<unknown>('GET', `/admin/usage?${parameters}`));
  }

  /** The Prometheus exposition: the only place the relay reports token counts today. */
  async metricsText(): Promise<string> {
    const response = await this.#fetch('GET', '/metrics');
    return response.text();
  }

  async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await this.#fetch(method, path, body);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async #fetch(method: string, path: string, body?: unknown): Promise<Response> {
    let response: Response;
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      response = await fetch(path, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        credentials: 'omit',
        cache: 'no-store',
      });
    } catch (error) {
      throw new AdminApiError(0, `the relay did not answer (${(error as Error).message})`);
    }
    if (!response.ok) throw new AdminApiError(response.status, await errorMessage(response));
    return response;
  }
}

/** The message of an error in the API's shape, else the status line. */
async function errorMessage(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { error?: { message?: unknown } };
    if (typeof body.error?.message === 'string') return body.error.message;
  } catch {
    // not JSON: fall through to the status
  }
  return `HTTP ${response.status} ${response.statusText}`.trim();
}
