import { type Dispatcher, request } from 'undici';
import type { OAuthCredentials } from './oauth-credentials.js';

/** The token endpoint refused the refresh token (`invalid_grant`): a person must log in again. */
export class InvalidGrantError extends Error {
  readonly code = 'RELAY_ERR_OAUTH_INVALID_GRANT' as const;
  override readonly name = 'InvalidGrantError';
}

/** The token endpoint could not be reached or answered something else; the refresh may be tried again. */
export class TokenEndpointError extends Error {
  readonly code = 'RELAY_ERR_OAUTH_TOKEN_ENDPOINT' as const;
  override readonly name = 'TokenEndpointError';
}

export interface TokenRefreshRequest {
  tokenUrl: string;
  clientId: string;
  refreshToken: string;
  /** The account's route (its proxy's dispatcher); the global one when undefined. */
  dispatcher?: Dispatcher | undefined;
  timeoutMs?: number;
  now?: () => number;
}

const longestBody = 64 * 1024;

/** `POST {tokenUrl}` with `grant_type=refresh_token`; the new pair, or a typed error that never carries a token. */
export async function requestTokenRefresh(options: TokenRefreshRequest): Promise<OAuthCredentials> {
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10_000;
  let statusCode: number;
  let text: string;
  try {
    const response = await request(options.tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        refresh_token: options.refreshToken,
        client_id: options.clientId,
      }),
      ...(options.dispatcher ? { dispatcher: options.dispatcher } : {}),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    statusCode = response.statusCode;
    text = await response.body.text();
  } catch (error) {
    throw new TokenEndpointError(`the token endpoint could not be reached (${(error as Error).name})`);
  }
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = JSON.parse(text.slice(0, longestBody));
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // A non-JSON answer is judged by its status alone.
  }
  if (body.error === 'invalid_grant') throw new InvalidGrantError('the refresh token was refused (invalid_grant)');
  if (statusCode !== 200) throw new TokenEndpointError(`the token endpoint answered ${statusCode}`);
  const accessToken = body.access_token;
  const refreshToken = body.refresh_token;
  const expiresIn = body.expires_in;
  if (typeof accessToken !== 'string' || accessToken === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
    throw new TokenEndpointError('the token endpoint answered without access_token and expires_in');
  }
  return {
    accessToken,
    // Some endpoints keep the refresh token; then the old one stays valid.
    refreshToken: typeof refreshToken === 'string' && refreshToken !== '' ? refreshToken : options.refreshToken,
    expiresAt: now() + Math.round(expiresIn * 1000),
  };
}
