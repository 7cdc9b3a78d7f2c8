import type { RelayProcess } from './relay-process.js';

/** An answer of the admin API: its status and JSON body. */
export interface AdminAnswer {
  status: number;
  body: Record<string, unknown> & { error?: { type: string; message: string } };
}

/** Calls the relay's admin API with `token` (none: no authorization header). */
export async function adminCall(
  relay: Pick<RelayProcess, 'url'>,
  token: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<AdminAnswer> {
  const response = await fetch(`${relay.url}${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as AdminAnswer['body'] };
}

/** Creates a key through `POST /admin/keys`; resolves to the key, shown once. */
export async function createKey(
  relay: Pick<RelayProcess, 'url'>,
  token: string,
  body: Record<string, unknown>,
): Promise<string> {
  const answer = await adminCall(relay, token, 'POST', '/admin/keys', body);
  if (answer.status !== 201)
    throw new Error(`POST /admin/keys answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body.key as string;
}
